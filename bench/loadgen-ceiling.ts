// Why: `load.rate` has a maximum because one load-generator process can only send so much. This
// bench finds that ceiling on the machine it runs on: it offers rising constant rates to a
// trivial local server (in its own process) and reports, per rate, the share of arrivals sent,
// the achieved rate, the send lateness and the generator's memory. The scenario limit
// (MAX_RATE in src/scenario/limits.ts) is set from its output, recorded in docs/benchmarks.md.
// Run: node --import tsx bench/loadgen-ceiling.ts [seconds] [rate …]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startLoad } from '../src/load/run-load.ts';
import type { LoadgenConfig } from '../src/load/types.ts';
import { decodeHistogram, summarizeMs } from '../src/stats/histogram.ts';

const seconds = Number(process.argv[2] ?? 3);
const rates = process.argv.slice(3).map(Number);
const RATES = rates.length > 0 ? rates : [2_000, 5_000, 10_000, 20_000, 40_000];

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => res.end('ok'));
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
process.on('disconnect', () => process.exit(0));
`;

const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const [portLine] = (await once(server.stdout!, 'data')) as [Buffer];
const target = `http://127.0.0.1:${portLine.toString().trim()}`;

console.log('rate | sent/scheduled | achieved rps | lateness p50 | lateness p99 | generator RSS');
for (const rate of RATES) {
  const config: LoadgenConfig = {
    targets: [target],
    hostHeader: null,
    seed: 1,
    load: { rate, arrival: 'constant', warmupS: 0.5, warmupMaxS: 0.5, warmupRequests: 0, generators: 1, durationS: seconds, ramp: null, maxInFlight: Math.max(1000, rate), timeoutMs: 2000, method: 'GET', path: '/', classes: [] },
  };
  const result = await startLoad(config).done;
  const lateness = summarizeMs(decodeHistogram(result.sendLateness));
  const { scheduled, sent } = result.requests;
  console.log(`${rate} | ${(sent / scheduled).toFixed(3)} | ${result.achievedRps.toFixed(0)} | ${lateness.p50.toFixed(2)} ms | ${lateness.p99.toFixed(2)} ms | ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
}
server.disconnect();
