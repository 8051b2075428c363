// A replica killed for a window by the scenario's fault timeline, through the runner. Direct:
// the app (no retries) sends half its calls to the dead replica and those fail with 502 until
// it is restarted. Meshed: the proxy's retries and breaker route around it, so no request
// fails. In both arms the replica is back afterwards (every request succeeds again, and direct
// needs both replicas for that), and the service counters stay sane while a replica is gone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { arm, faultRecord, runInline, successRate, windowsInside } from './fixtures/fault-run.ts';
import { checkOnQuietRun } from './fixtures/quiet-run.ts';

const AT_MS = 2000;
const STOP_MS = 4000;
const RATE = 150;

test('kill user-service#0 for 2 s: direct fails the dead half, meshed routes around it, both recover', async () => {
  // Timing and success rates are judged on a run the hypervisor left alone.
  const result = await checkOnQuietRun(() => runInline(`
name: e2e-fault-kill
seed: 9
repeats: 1
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      pool: 1024
      calls:
        - service: user-service
          timeout: 1s
          retries: 0
    - name: user-service
      replicas: 2
      pool: 32
      serviceTime: 5ms
load:
  rate: ${RATE}
  arrival: constant
  warmup: 1s
  duration: 7s
mesh:
  port: 0
  adminPort: 0
faults:
  - kind: kill
    target: user-service#0
    at: 2s
    duration: 2s
`), checkRouting);
  for (const name of ['direct', 'meshed'] as const) {
    const record = faultRecord(result, name);
    assert.equal(record.error, null, `${name}: ${record.error}`);
    assert.match(record.mechanism, /^SIGKILL of user-service#0\b/, `${name}: mechanism "${record.mechanism}"`);

    const repeat = arm(result, name).repeats[0]!;
    // Arrivals at user-service are summed per replica: a dead replica's missing counters must
    // not read as a counter reset (which would report the survivor's whole history as arrivals).
    const series = repeat.services.find((s) => s.service === 'user-service')!;
    for (const w of series.windows) {
      assert.ok(w.arrivals <= RATE * 1.6, `${name}: user-service arrivals ${w.arrivals} in window t=${w.t} at ${RATE} rps`);
    }
  }
  const counters = arm(result, 'meshed').proxy?.counters ?? {};
  assert.ok((counters.retries ?? 0) > 0, `meshed: the proxy retried around the dead replica (counters ${JSON.stringify(counters)})`);
  assert.ok((counters.ejections ?? 0) >= 1, `meshed: the breaker ejected the dead replica (counters ${JSON.stringify(counters)})`);
});

/** On time; direct fails the dead half, meshed routes around it, and both recover. */
function checkRouting(result: RunResult): void {
  for (const name of ['direct', 'meshed'] as const) {
    const record = faultRecord(result, name);
    assert.ok(record.actualStartMs !== null && Math.abs(record.actualStartMs - AT_MS) < 500, `${name}: killed at ${record.actualStartMs} ms`);
    // The stop includes bringing the replica up again (a Node process start).
    assert.ok(record.actualStopMs !== null && record.actualStopMs >= STOP_MS && record.actualStopMs < STOP_MS + 3000, `${name}: restarted at ${record.actualStopMs} ms`);

    const repeat = arm(result, name).repeats[0]!;
    const last = repeat.windows.slice(-2);
    for (const w of last) assert.equal(w.ok, w.scheduled, `${name}: window t=${w.t} after the restart: ${w.ok}/${w.scheduled} ok`);
  }

  const direct = arm(result, 'direct').repeats[0]!.windows;
  for (const w of windowsInside(direct, AT_MS, STOP_MS)) {
    const rate = successRate(w);
    assert.ok(rate >= 0.35 && rate <= 0.65, `direct: window t=${w.t} success ${w.ok}/${w.scheduled}: the dead replica's half fails`);
    assert.equal(w.errors, w.scheduled - w.ok, `direct: the failures in t=${w.t} are errors (502), not timeouts`);
  }

  const meshed = arm(result, 'meshed');
  for (const w of meshed.repeats[0]!.windows) {
    assert.ok(successRate(w) >= 0.99, `meshed: window t=${w.t} success ${w.ok}/${w.scheduled}: the proxy retries and ejects the dead replica`);
  }
}
