// What a capacity cell runs is decided from the scenario: which service is scaled, the scenario
// each replica count brings up, how long a step lasts and waits, and what a search's steps say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { assertReachable, cellScenario, deepestCallee, kneeRecord, scaledService, stepDurationS, stepTimeoutMs } from '../../src/capacity/cell.ts';
import { parseSlos } from '../../src/capacity/slo.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { syntheticKnee } from './fixture.ts';

const scenario = parseScenario(
  `
topology:
  entry: frontend
  services:
    - name: frontend
      calls: [auth, user-service]
    - name: auth
    - name: user-service
      replicas: 2
      pool: 8
      serviceTime: 10ms
      calls: [orders-db]
    - name: orders-db
      external: http://127.0.0.1:9
    - name: zoned
      zones: [no, de]
load: {rate: 10, duration: 5s}
faults:
  - {kind: db-lock, target: user-service, at: 1s, duration: 1s}
`,
  'cells.yaml',
);

function badInputMatching(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err) => isMeshbenchError(err) && err.exitCode === 2 && pattern.test(err.message + ' hint: ' + err.hint));
}

test('the default scaled service is the entry’s deepest callee; it must be simulated and unzoned', () => {
  assert.equal(deepestCallee(scenario).name, 'orders-db');
  badInputMatching(() => scaledService(scenario, undefined), /the entry's deepest callee, orders-db, is external/);
  assert.equal(scaledService(scenario, 'user-service').name, 'user-service');
  badInputMatching(() => scaledService(scenario, 'users'), /--service users: cells\.yaml has no such service hint: services: frontend, auth, user-service, orders-db, zoned/);
  badInputMatching(() => scaledService(scenario, 'zoned'), /one zone label per replica/);
});

test('a cell runs the scaled service at its replica count, without faults, the proxy on any free port', () => {
  const cell = cellScenario(scenario, 'user-service', 5);
  assert.deepEqual(cell.topology.services.map((s) => s.replicas), [1, 1, 5, 1, 2]);
  assert.deepEqual(cell.faults, []);
  assert.deepEqual([cell.mesh.port, cell.mesh.adminPort], [0, 0]);
  assert.equal(scenario.topology.services[2]!.replicas, 2, 'the scenario itself is unchanged');
});

test('steps wait 10× the loosest latency SLO (≥ 500 ms) and last long enough for 300 requests', () => {
  assert.equal(stepTimeoutMs(parseSlos(['p99 < 50ms'], 'direct'), 10_000), 500);
  assert.equal(stepTimeoutMs(parseSlos(['p99 < 200ms', 'p50 < 20ms'], 'direct'), 10_000), 2000);
  assert.equal(stepTimeoutMs(parseSlos(['p99 < 2s'], 'direct'), 10_000), 10_000);
  assert.equal(stepTimeoutMs(parseSlos(['errorRate < 1%'], 'direct'), 3000), 3000);
  assert.equal(stepDurationS(1000, 2), 2);
  assert.equal(stepDurationS(100, 2), 3);
  assert.equal(stepDurationS(10, 2), 8);
});

test('a target no replica count reaches even by construction is refused before measuring', () => {
  const users = scenario.topology.services[2]!;
  assertReachable(users, 26_000);
  badInputMatching(() => assertReachable(users, 1e9), /no replica count of user-service can serve 1000000000 rps \(the target plus headroom\), even by construction: 100000 replicas serve 80000000 rps/);
  const contended = { ...users, contention: { perOtherReplicaMs: 1, perReplicaPairMs: 0.2 } };
  // 800N / (1 + 0.1(N−1) + 0.02N(N−1)) peaks near N = 7 at about 2 300 rps.
  badInputMatching(() => assertReachable(contended, 5000), /its contention caps it at 229\d rps near 7 replicas/);
});

test('a knee record: the service set the knee when it was saturated or queueing in the step that failed, unless its queries ran late', () => {
  const knee = syntheticKnee('direct', 2, 1600);
  const search = { outcome: 'found' as const, low: knee.interval.low, high: knee.interval.high, steps: knee.steps };
  const probe = knee.probe;
  assert.equal(kneeRecord(2, search, probe, { rps: 1600, queryMs: 10 }, 10).limitedBy, 'service');
  const idle = { ...search, steps: search.steps.map((s) => ({ ...s, bottleneck: { maxPoolBusy: 0.5, maxQueue: 0, queryMs: 10.1 } })) };
  const record = kneeRecord(2, idle, probe, { rps: 1600, queryMs: 10 }, 10);
  assert.equal(record.limitedBy, 'elsewhere');
  assert.deepEqual([record.maxRps, record.interval, record.resolutionPct?.toFixed(2)], [1568, { low: 1568, high: 1632 }, '4.08']);
  assert.equal(kneeRecord(2, { ...search, outcome: 'above-limit', high: null }, probe, { rps: 1600, queryMs: 10 }, 10).maxRps, null);
  // The fixture's queries held their connection 10.3 ms; configured at 8 ms, they ran late.
  assert.equal(kneeRecord(2, search, probe, { rps: 1600, queryMs: 8 }, 10).limitedBy, 'machine');
});
