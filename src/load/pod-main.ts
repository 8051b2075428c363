// Why: in a cluster the load generator is a pod of an Indexed Job, not a child of the runner:
// no IPC. It reads its share of the load from MESHBENCH_LOAD_CONFIG, waits for POST /start
// with the agreed wall-clock start (sent once every generator is up, so their windows line
// up), runs the same open-loop
// generator as a local run, and streams its events — measure-start, one line per window, done
// with the encoded histograms — as NDJSON on GET /events (replayed from the start to a reader
// that connects late). POST /exit ends the pod, which completes the Job.
import http from 'node:http';
import { isMeshbenchError } from '../core/errors.ts';
import { generatorOffsetMs, generatorSeed } from './generators.ts';
import { startLoad } from './run-load.ts';
import type { LoadgenConfig } from './types.ts';

export type PodLoadEvent =
  | { type: 'measure-start'; atMs: number; generator: number }
  | { type: 'progress'; window: unknown; inFlight: number; generator: number }
  | { type: 'done'; result: unknown; measureStartMs: number; generator: number }
  | { type: 'error'; message: string; generator: number };

const index = Number(process.env.JOB_COMPLETION_INDEX ?? 0);
const raw = process.env.MESHBENCH_LOAD_CONFIG;
if (!raw) {
  process.stderr.write('meshbench load generator: MESHBENCH_LOAD_CONFIG is not set\n');
  process.exit(2);
}
const config = JSON.parse(raw) as LoadgenConfig;
const generators = (config.load as { generators?: number }).generators ?? 1;

const events: string[] = [];
const readers = new Set<http.ServerResponse>();
function emit(event: PodLoadEvent): void {
  const line = `${JSON.stringify(event)}\n`;
  events.push(line);
  for (const r of readers) r.write(line);
  if (event.type === 'done' || event.type === 'error') for (const r of readers) r.end();
}
const finished = () => events.some((l) => l.startsWith('{"type":"done"') || l.startsWith('{"type":"error"'));

const server = http.createServer((req, res) => {
  if (req.url === '/ready' && req.method === 'GET') return void res.end('ready\n');
  if (req.url === '/events' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const line of events) res.write(line);
    if (finished()) res.end();
    else {
      readers.add(res);
      res.on('close', () => readers.delete(res));
    }
    return;
  }
  if (req.url?.startsWith('/start?at=') && req.method === 'POST') {
    const at = Number(new URL(req.url, 'http://load').searchParams.get('at'));
    if (started || !Number.isFinite(at)) return void res.writeHead(409).end(started ? 'already started\n' : 'bad start time\n');
    started = true;
    res.end('starting\n');
    begin(at);
    return;
  }
  if (req.url === '/exit' && req.method === 'POST') {
    res.end('bye\n');
    setTimeout(() => process.exit(0), 50);
    return;
  }
  res.writeHead(404).end();
});
server.listen(Number(process.env.LOAD_PORT ?? 9996), process.env.LOAD_HOST ?? '0.0.0.0');

let started = false;
/** Starts the schedule at wall-clock `atMs` (plus this generator's interleaving offset). */
function begin(atMs: number): void {
  const delay = Math.max(0, atMs - Date.now()) + generatorOffsetMs(index, generators, config.load.rate);
  setTimeout(run, delay);
}

function run(): void {
  let measureStartMs = 0;
  try {
    const run = startLoad(
      { ...config, seed: generatorSeed(config.seed, index) },
      {
        onMeasureStart: () => {
          measureStartMs = Date.now();
          emit({ type: 'measure-start', atMs: measureStartMs, generator: index });
        },
        onWindow: (window, inFlight) => emit({ type: 'progress', window, inFlight, generator: index }),
      },
    );
    process.on('SIGTERM', () => run.stop());
    run.done.then(
      (result) => emit({ type: 'done', result, measureStartMs, generator: index }),
      (err: unknown) => emit({ type: 'error', message: err instanceof Error ? err.message : String(err), generator: index }),
    );
  } catch (err) {
    emit({ type: 'error', message: isMeshbenchError(err) ? `${err.message} (hint: ${err.hint})` : String(err), generator: index });
  }
}
