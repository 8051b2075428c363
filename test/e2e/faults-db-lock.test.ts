// A DB lock injected by the scenario's fault timeline through the runner (direct arm, no app
// retries, a small pool): while the table is locked the service's queue grows and the client
// waits as long as the lock lasts; once it lifts the queue drains and latency is back to normal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { arm, faultRecord, runInline, windowsInside, windowsOutside } from './fixtures/fault-run.ts';
import { checkOnQuietRun } from './fixtures/quiet-run.ts';

const AT_MS = 2000;
const LOCK_MS = 2000;

test('a 2 s db-lock queues requests for the lock length, then latency returns to normal', async () => {
  // The queue's figures are judged on a run the hypervisor left alone (a stolen-from run blurs them).
  const result = await checkOnQuietRun(() => runInline(`
name: e2e-fault-db-lock
seed: 5
repeats: 1
arms: [direct]
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      pool: 1024
      calls:
        - service: user-service
          timeout: 10s
          retries: 0
    - name: user-service
      replicas: 1
      pool: 4
      serviceTime: 5ms
load:
  rate: 100
  arrival: constant
  warmup: 1s
  duration: 7s
  timeout: 10s
  maxInFlight: 1000   # room for the 200 requests the lock holds: none is dropped
mesh:
  port: 0
  adminPort: 0
faults:
  - kind: db-lock
    target: user-service
    at: 2s
    duration: 2s
`), checkLock);
  const record = faultRecord(result, 'direct');
  assert.equal(record.error, null);
  assert.match(record.mechanism, /simulated table lock for 2000 ms on 1 replica/);
});

/** The lock queues requests for its length, and latency and the queue are normal after it. */
function checkLock(result: RunResult): void {
  const record = faultRecord(result, 'direct');
  assert.ok(record.actualStartMs !== null && Math.abs(record.actualStartMs - AT_MS) < 300, `lock started at ${record.actualStartMs} ms`);

  const repeat = arm(result, 'direct').repeats[0]!;
  const windows = repeat.windows;
  const inside = windowsInside(windows, AT_MS, AT_MS + LOCK_MS);
  const before = windows.filter((w) => w.t < AT_MS / 1000);
  const after = windowsOutside(windows, AT_MS, AT_MS + LOCK_MS, 1000).filter((w) => w.t * 1000 >= AT_MS + LOCK_MS);
  assert.equal(inside.length, 2);
  assert.ok(after.length >= 2, 'at least two windows a second after the lock lifted');

  // A request arriving as the lock starts waits for all of it (plus the drain of the queue).
  const worst = Math.max(...inside.map((w) => w.max!));
  assert.ok(worst >= LOCK_MS * 0.85 && worst <= LOCK_MS + 1500, `worst latency inside the lock ${worst} ms, lock ${LOCK_MS} ms`);
  assert.ok(inside[0]!.p50! >= 500, `window t=${inside[0]!.t} p50 ${inside[0]!.p50} ms: half its requests waited a large part of the lock`);
  for (const w of inside) assert.equal(w.ok, w.scheduled, `window t=${w.t}: the lock delays requests, it fails none`);

  // The service's queue grew during the lock and was empty before and after it.
  const series = repeat.services.find((s) => s.service === 'user-service');
  assert.ok(series, 'user-service was sampled');
  const depthAt = (t: number) => series.windows.find((w) => w.t === t)?.queueDepth ?? NaN;
  const peak = Math.max(...inside.map((w) => depthAt(w.t)));
  assert.ok(peak >= 40, `queue depth during the lock peaked at ${peak} (100 rps into a locked pool of 4)`);
  // Window t's depth is sampled at its end, t + 1 s: only the windows clear of the lock's edges.
  for (const w of [...before.filter((b) => (b.t + 1) * 1000 <= AT_MS - 500), ...after]) assert.ok(depthAt(w.t) <= 2, `queue depth at t=${w.t} is ${depthAt(w.t)} outside the lock`);

  // Afterwards latency is back to what it was before the lock.
  const normal = Math.max(...before.map((w) => w.p99!));
  for (const w of after) {
    assert.equal(w.ok, w.scheduled, `window t=${w.t} after the lock: every request succeeded`);
    assert.ok(w.p99! < Math.max(3 * normal, 60), `window t=${w.t} after the lock: p99 ${w.p99} ms vs ${normal} ms before`);
  }
}
