// CPU steal injected by the scenario's fault timeline through the runner: the record names the
// mechanism that ran (cgroup freezer as root, SIGSTOP/SIGCONT otherwise), starts and stops on
// time, the frozen share shows in the client's tail inside the window, and after the run
// neither the target process nor a cgroup of the run is left.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { processStartTime } from '../../src/runtime/ledger.ts';
import type { RunResult, WindowPoint } from '../../src/result/types.ts';
import { decodeHistogram, mergeHistograms, summarizeMs } from '../../src/stats/histogram.ts';
import { arm, faultRecord, meshbenchCgroupDirs, ofRun, runInline, windowsInside, windowsOutside } from './fixtures/fault-run.ts';
import { checkOnQuietRun } from './fixtures/quiet-run.ts';

const AT_MS = 2000;
const STOP_MS = 4000;

test('cpu-steal 50 % of every 100 ms on user-service: on time, visible in the tail, nothing left', async () => {
  // Timing and the tail are judged on a run the hypervisor left alone (its steal blurs both).
  const result = await checkOnQuietRun(() => runInline(`
name: e2e-fault-cpu-steal
seed: 13
repeats: 1
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      pool: 1024
      calls:
        - service: user-service
          timeout: 2s
          retries: 0
    - name: user-service
      replicas: 1
      pool: 64
      serviceTime: 5ms
load:
  rate: 100
  arrival: constant
  warmup: 1s
  duration: 6s
mesh:
  port: 0
  adminPort: 0
faults:
  - kind: cpu-steal
    target: user-service
    at: 2s
    duration: 2s
    percent: 50
    period: 100ms
`), checkTiming);
  const targets: number[] = [];
  const cgroups: string[] = [];
  for (const name of ['direct', 'meshed'] as const) {
    const record = faultRecord(result, name);
    assert.equal(record.error, null, `${name}: ${record.error}`);
    assert.match(record.mechanism, /^(cgroup v1 freezer|cgroup v2 cgroup\.freeze|SIGSTOP\/SIGCONT duty cycle)\b.*frozen 50% of every 100 ms \(pid \d+\)$/, `${name}: mechanism "${record.mechanism}"`);
    if (process.getuid?.() === 0) assert.match(record.mechanism, /^cgroup/, `${name}: as root the cgroup freezer is used`);
    targets.push(Number(/\(pid (\d+)\)$/.exec(record.mechanism)![1]));
    const dir = /\((\/sys\/fs\/cgroup\/[^)]+)\)/.exec(record.mechanism)?.[1];
    if (dir) cgroups.push(dir);
    for (const w of arm(result, name).repeats[0]!.windows) assert.equal(w.ok, w.scheduled, `${name}: steal slows requests, it fails none (t=${w.t})`);
  }
  assert.notEqual(targets[0], targets[1], 'each arm froze its own user-service process');
  for (const pid of targets) assert.equal(processStartTime(pid), null, `target process ${pid} outlived the run`);
  for (const dir of cgroups) assert.equal(existsSync(dir), false, `cgroup ${dir} outlived the run`);
  assert.deepEqual(ofRun(meshbenchCgroupDirs(), result.id), [], 'no cgroup of the run remains');
});

/** The fault starts and stops on time, and the frozen share shows in each arm's tail. */
function checkTiming(result: RunResult): void {
  for (const name of ['direct', 'meshed'] as const) {
    const record = faultRecord(result, name);
    // Loaded 2-core machine: timers and a cgroup write may be a little late, never a second.
    assert.ok(record.actualStartMs !== null && Math.abs(record.actualStartMs - AT_MS) <= 150, `${name}: started at ${record.actualStartMs} ms, asked ${AT_MS}`);
    assert.ok(record.actualStopMs !== null && Math.abs(record.actualStopMs - STOP_MS) <= 150, `${name}: stopped at ${record.actualStopMs} ms, asked ${STOP_MS}`);

    // Half of every 100 ms frozen: a request arriving in a freeze (half of them) waits up to
    // 50 ms for the thaw, so the window's p90 is ≈40 ms above normal. p90 over merged windows,
    // not p99 per window: a loaded machine's own hiccups move single-window tails by as much.
    const windows = arm(result, name).repeats[0]!.windows;
    const p90 = (ws: WindowPoint[]) => summarizeMs(mergeHistograms(ws.map((w) => decodeHistogram(w.histogram)))).p90;
    const inside = p90(windowsInside(windows, AT_MS, STOP_MS));
    const outside = p90(windowsOutside(windows, AT_MS, STOP_MS));
    assert.ok(inside >= outside + 20, `${name}: p90 ${inside} ms inside the steal vs ${outside} ms outside`);
  }
}
