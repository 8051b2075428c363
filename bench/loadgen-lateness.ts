// Why: the load generator's send lateness (actual − intended send time) is the floor of every
// latency meshbench reports. This bench measures it at 1 000 rps for a naive setTimeout-per-
// arrival loop, for a timer then setImmediate polling (the previous default: precise, one busy
// core) and for our executor (a timer thread, src/load/thread-waiter.ts), in one run, against the
// same local server in a separate process, with the same sender and recorder: only the waiting
// technique differs. They alternate in 1 s rounds (A B C A B C …) so drift and the other load on
// a shared machine hit all alike; the generator's CPU and its involuntary context switches (a
// noise gauge) are printed beside the lateness.
// Run: node --import tsx bench/loadgen-lateness.ts [rate] [seconds]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { realClock } from '../src/core/clock.ts';
import type { Waiter } from '../src/load/executor.ts';
import { startLoad } from '../src/load/run-load.ts';
import type { LoadgenConfig } from '../src/load/types.ts';
import { decodeHistogram, newHistogram, summarizeMs, type Histogram } from '../src/stats/histogram.ts';

const rate = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 5);

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => res.end('ok'));
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
process.on('disconnect', () => process.exit(0));
`;

/**
 * The previous default, for comparison: sleep on a timer until 1.5 ms before the due time, then
 * poll the clock with setImmediate (precise, but a busy core while polling).
 */
const pollingWaiter: Waiter = (untilMs, signal) =>
  new Promise<void>((resolve) => {
    const poll = () => {
      if (signal.aborted || realClock.now() >= untilMs) resolve();
      else setImmediate(poll);
    };
    const sleepMs = untilMs - realClock.now() - 1.5;
    if (sleepMs < 1) return poll();
    setTimeout(poll, sleepMs);
  });

/** The baseline: one setTimeout per due time, nothing else. */
const naiveWaiter: Waiter = (untilMs, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    setTimeout(resolve, Math.max(0, untilMs - realClock.now()));
  });

interface Technique {
  name: string;
  wait: Waiter | undefined;
  lateness: Histogram;
  contextSwitches: number;
  cpuMs: number;
}

/** One round: 1 s measured after a short warmup; adds its send lateness to the technique's. */
async function round(target: string, technique: Technique): Promise<void> {
  const config: LoadgenConfig = {
    targets: [target],
    hostHeader: null,
    seed: 1,
    load: {
      rate,
      arrival: 'constant',
      warmupS: 0.25,
      warmupMaxS: 0.25,
      warmupRequests: 1000,
      durationS: 1,
      ramp: null,
      maxInFlight: 1000,
      timeoutMs: 2000,
      method: 'GET',
      path: '/',
      classes: [],
      generators: 1,
    },
  };
  const before = process.resourceUsage();
  const result = await startLoad(config, {}, technique.wait ? { wait: technique.wait } : {}).done;
  const after = process.resourceUsage();
  technique.contextSwitches += after.involuntaryContextSwitches - before.involuntaryContextSwitches;
  technique.cpuMs += (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000;
  if (result.requests.ok !== result.requests.sent) {
    throw new Error(`the local server failed requests: ${JSON.stringify(result.requests)}`);
  }
  technique.lateness.add(decodeHistogram(result.sendLateness));
}

const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
try {
  const [line] = (await once(server.stdout!, 'data')) as [Buffer];
  const target = `http://127.0.0.1:${Number(line.toString().trim())}`;
  const techniques: Technique[] = [
    { name: 'naive setTimeout loop', wait: naiveWaiter, lateness: newHistogram(), contextSwitches: 0, cpuMs: 0 },
    { name: 'timer, then polling', wait: pollingWaiter, lateness: newHistogram(), contextSwitches: 0, cpuMs: 0 },
    { name: 'meshbench (timer thread)', wait: undefined, lateness: newHistogram(), contextSwitches: 0, cpuMs: 0 },
  ];

  console.log(`send lateness at ${rate} rps, ${seconds} × 1 s measured per technique, alternating; node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  for (let i = 0; i < seconds; i++) for (const t of techniques) await round(target, t);
  const summaries = techniques.map((t) => {
    const s = summarizeMs(t.lateness);
    console.log(
      `  ${t.name.padEnd(26)} p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms  max ${s.max.toFixed(3)} ms  ` +
        `CPU ${(t.cpuMs / seconds).toFixed(0)} ms/s  (${s.count} sends, ${t.contextSwitches} involuntary context switches)`,
    );
    return s;
  });
  const [n, p, o] = summaries as [ReturnType<typeof summarizeMs>, ReturnType<typeof summarizeMs>, ReturnType<typeof summarizeMs>];
  console.log(`  ratio naive/ours          p50 ${(n.p50 / o.p50).toFixed(1)}×  p99 ${(n.p99 / o.p99).toFixed(1)}×`);
  console.log(`lateness p99: ${o.p99.toFixed(3)} ms (naive ${n.p99.toFixed(3)} ms, polling ${p.p99.toFixed(3)} ms)`);
} finally {
  server.kill();
}
