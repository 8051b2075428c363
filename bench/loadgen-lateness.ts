// Why: the load generator's send lateness (actual − intended send time) is the floor of every
// latency meshbench reports. This bench measures it at 1 000 rps for a naive setTimeout-per-
// arrival loop and for our executor (timer, then setImmediate polling), in one run, against the
// same local server in a separate process, with the same sender and recorder: only the waiting
// technique differs. The two alternate in 1 s rounds (A B A B …) so drift and the other load on
// a shared machine hit both alike; involuntary context switches are printed as a noise gauge.
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
  const before = process.resourceUsage().involuntaryContextSwitches;
  const result = await startLoad(config, {}, technique.wait ? { wait: technique.wait } : {}).done;
  technique.contextSwitches += process.resourceUsage().involuntaryContextSwitches - before;
  if (result.requests.ok !== result.requests.sent) {
    throw new Error(`the local server failed requests: ${JSON.stringify(result.requests)}`);
  }
  technique.lateness.add(decodeHistogram(result.sendLateness));
}

const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
try {
  const [line] = (await once(server.stdout!, 'data')) as [Buffer];
  const target = `http://127.0.0.1:${Number(line.toString().trim())}`;
  const naive: Technique = { name: 'naive setTimeout loop', wait: naiveWaiter, lateness: newHistogram(), contextSwitches: 0 };
  const ours: Technique = { name: 'meshbench executor', wait: undefined, lateness: newHistogram(), contextSwitches: 0 };

  console.log(`send lateness at ${rate} rps, ${seconds} × 1 s measured per technique, alternating; node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  for (let i = 0; i < seconds; i++) {
    await round(target, naive);
    await round(target, ours);
  }
  const summaries = [naive, ours].map((t) => {
    const s = summarizeMs(t.lateness);
    console.log(
      `  ${t.name.padEnd(22)} p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms  max ${s.max.toFixed(3)} ms  ` +
        `(${s.count} sends, ${t.contextSwitches} involuntary context switches)`,
    );
    return s;
  });
  const [n, o] = summaries as [ReturnType<typeof summarizeMs>, ReturnType<typeof summarizeMs>];
  console.log(`  ratio naive/ours        p50 ${(n.p50 / o.p50).toFixed(1)}×  p99 ${(n.p99 / o.p99).toFixed(1)}×`);
  console.log(`lateness p99: ${o.p99.toFixed(3)} ms (naive ${n.p99.toFixed(3)} ms)`);
} finally {
  server.kill();
}
