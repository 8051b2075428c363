// A latency toxic on a link, injected by the scenario's fault timeline through the runner: in
// both arms the client's p50 rises by the toxic's latency inside the fault window and only
// there, the record names the Toxiproxy toxic, and the bundled toxiproxy process is gone after.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { arm, faultRecord, median, runInline, windowsInside, windowsOutside } from './fixtures/fault-run.ts';
import { checkOnQuietRun } from './fixtures/quiet-run.ts';
import type { RunResult } from '../../src/result/types.ts';
import { outputName } from '../../src/runtime/child-bundle.ts';

const AT_MS = 2000;
const STOP_MS = 4000;
const TOXIC_MS = 40;

/** Pids of this test's descendants running the bundled toxiproxy, seen while the run went on. */
function watchToxiproxy(): { seen: Set<number>; stop(): void } {
  const seen = new Set<number>();
  const look = () => {
    const ps = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
    for (const line of ps.split('\n')) {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      if (m && Number(m[2]) === process.pid && m[3]!.includes(outputName('src/faults/toxiproxy/main.ts'))) seen.add(Number(m[1]));
    }
  };
  const timer = setInterval(look, 250);
  return { seen, stop: () => clearInterval(timer) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Each arm's p50 rises by the toxic's latency inside its window and only there, on time. */
function checkShift(result: RunResult): void {
  for (const name of ['direct', 'meshed'] as const) {
    const record = faultRecord(result, name);
    assert.ok(record.actualStartMs !== null && Math.abs(record.actualStartMs - AT_MS) < 500, `${name}: started at ${record.actualStartMs} ms`);
    assert.ok(record.actualStopMs !== null && Math.abs(record.actualStopMs - STOP_MS) < 500, `${name}: stopped at ${record.actualStopMs} ms`);

    const windows = arm(result, name).repeats[0]!.windows;
    const inside = windowsInside(windows, AT_MS, STOP_MS);
    const outside = windowsOutside(windows, AT_MS, STOP_MS);
    assert.equal(inside.length, 2, `${name}: windows t=2 and t=3 lie inside the fault`);
    assert.ok(outside.length >= 3, `${name}: at least three windows outside the fault`);
    const base = median(outside.map((w) => w.p50!));
    const raised = inside.map((w) => w.p50! - base);
    for (const w of inside) {
      // The toxic adds 40 ms to every response; a loaded machine blurs the baseline by a few ms,
      // but a missing (+0) or doubled (+80) toxic is far outside these bounds.
      assert.ok(w.p50! - base >= TOXIC_MS - 10 && w.p50! - base <= TOXIC_MS + 25, `${name}: window t=${w.t} p50 ${w.p50} ms vs ${base} ms outside (raised ${raised.join(', ')})`);
      assert.equal(w.ok, w.scheduled, `${name}: every request in window t=${w.t} still succeeded`);
    }
    for (const w of outside) {
      assert.ok(w.p50! < base + 15, `${name}: window t=${w.t} outside the fault has p50 ${w.p50} ms (base ${base} ms)`);
    }
    assert.ok(base < 30, `${name}: p50 outside the fault ${base} ms is far below the toxic`);
  }
}

test('a 40 ms latency toxic on frontend->user-service raises p50 by ≈40 ms inside its window, in both arms', async () => {
  const watch = watchToxiproxy();
  let result: RunResult;
  try {
    // The shift is judged on a run the hypervisor left alone (a stolen-from run blurs it).
    result = await checkOnQuietRun(() => runInline(`
name: e2e-fault-latency
seed: 11
repeats: 1
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      pool: 256
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
  - kind: latency
    target: frontend->user-service
    at: 2s
    duration: 2s
    latency: ${TOXIC_MS}ms
    jitter: 0ms
`), checkShift);
  } finally {
    watch.stop();
  }

  for (const name of ['direct', 'meshed'] as const) {
    const record = faultRecord(result, name);
    assert.equal(record.error, null, `${name}: fault error ${record.error}`);
    assert.match(record.mechanism, /toxiproxy latency toxic 40±0 ms/, `${name}: mechanism "${record.mechanism}"`);
  }

  assert.ok(watch.seen.size >= 1, 'the bundled toxiproxy was started as a child of the runner');
  for (const pid of watch.seen) assert.equal(alive(pid), false, `bundled toxiproxy ${pid} outlived the run`);
});
