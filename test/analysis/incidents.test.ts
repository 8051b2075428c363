// Each incident is judged on its own: during it, and recovery against the seconds just before
// *that* incident; what is left is the steady state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repeatIncidents, steadyWindows } from '../../src/analysis/incidents.ts';
import type { FaultSpec } from '../../src/scenario/types.ts';
import { windows } from '../fixtures/windows.ts';

const opts = { p99Factor: 1.5, minSuccessRate: 0.99, stableMs: 2000 };
const near = (actual: number | null | undefined, expected: number) => assert.ok(actual != null && Math.abs(actual - expected) <= expected * 0.001, `${actual} ≈ ${expected}`);
const fault = (name: string, atS: number, durationS: number): FaultSpec => ({
  name,
  kind: 'db-lock',
  target: { kind: 'service', service: 'user-service', replica: null },
  atMs: atS * 1000,
  durationMs: durationS * 1000,
});

test('recovery is judged against the seconds just before that incident, not the start of the run', () => {
  // 0–3 s at 10 ms; a kill at 4–5 s after which the service settles at 30 ms (a new normal);
  // a DB lock at 11–13 s; after it the service is back at 30 ms. Against the run's start (10 ms)
  // it would never "recover"; against the seconds before the lock (30 ms) it does at once.
  const ws = windows([
    [10, 1], [10, 1], [10, 1], [10, 1],
    [null, 0],
    [30, 1], [30, 1], [30, 1], [30, 1], [30, 1], [30, 1],
    [900, 0.2], [900, 0.1],
    [30, 1], [30, 1], [30, 1], [30, 1],
  ]);
  const { incidents, excluded } = repeatIncidents(ws, [fault('kill', 4, 1), fault('lock', 11, 2)], opts, 0);
  const [kill, lock] = incidents;
  near(kill!.before!.p99, 10);
  assert.equal(kill!.recovery, 'not-recovered', 'after the kill the p99 stays at 3× the seconds before it');
  assert.equal(kill!.recoveryWindows, 6, 'looked for until the lock began');
  assert.equal(lock!.before, null, 'the seconds before the lock are still in the kill\'s unfinished recovery');
  assert.equal(lock!.recovery, 'no-baseline');
  assert.deepEqual(steadyWindows(ws, excluded).map((w) => w.t), [0, 1, 2, 3]);
});

test('two incidents, each recovering: each uses its own before, the steady state is what is left', () => {
  const ws = windows([
    [10, 1], [10, 1], [10, 1],
    [500, 0.5], [500, 0.5],
    [40, 1], [12, 1], [11, 1], [10, 1], [10, 1],
    [800, 0.3],
    [10, 1], [10, 1], [10, 1],
  ]);
  const { incidents, excluded } = repeatIncidents(ws, [fault('first', 3, 2), fault('second', 10, 1)], opts, 1);
  assert.deepEqual(incidents.map((i) => [i.recovery, i.recoveredAfterS, i.repeat]), [['recovered', 1, 1], ['recovered', 0, 1]]);
  near(incidents[0]!.during!.p99, 500);
  assert.equal(incidents[0]!.during!.successRate, 0.5);
  assert.deepEqual(incidents[0]!.during!.failures, { 'upstream-5xx': 100 });
  assert.equal(incidents[1]!.before!.windows, 4, 'the steady seconds 6–9 before the second incident');
  near(incidents[1]!.before!.p99, 12);
  assert.deepEqual(steadyWindows(ws, excluded).map((w) => w.t), [0, 1, 2, 6, 7, 8, 9, 11, 12, 13]);
});

test('an incident at the very start has nothing before it; one at the very end no time after it', () => {
  const early = repeatIncidents(windows([[null, 0], [900, 0.5], [10, 1], [10, 1], [10, 1]]), [fault('early', 0, 2)], opts, 0);
  assert.equal(early.incidents[0]!.recovery, 'no-baseline');
  assert.equal(early.incidents[0]!.recoveredAfterS, null);
  assert.equal(early.excluded.size, 5, 'unknown recovery: nothing after it counts as steady');
  const late = repeatIncidents(windows([[10, 1], [10, 1], [10, 1], [10, 1], [700, 0.4], [10, 1]]), [fault('late', 4, 1)], opts, 0);
  assert.equal(late.incidents[0]!.recovery, 'no-time');
  assert.equal(late.incidents[0]!.recoveredAfterS, null, 'never "recovered 0 s after"');
});

test('during a lock where the mesh fails fast, latency is of the few successes, not of the fast failures', () => {
  const ws = windows([[10, 1], [10, 1], [10, 1], [950, 0.02], [980, 0.01], [10, 1], [10, 1], [10, 1]]);
  const { incidents } = repeatIncidents(ws, [fault('lock', 3, 2)], opts, 0);
  assert.ok(incidents[0]!.during!.p99! >= 950, `during p99 ${incidents[0]!.during!.p99} is that of the successes`);
  assert.ok(incidents[0]!.during!.p99! > incidents[0]!.before!.p99!);
});
