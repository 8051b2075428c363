import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunResult, errorRate } from '../../src/result/build.ts';
import type { PhaseOutput } from '../../src/runner/phase.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { encodeHistogram, newHistogram, recordMs } from '../../src/stats/histogram.ts';

function hist(values: number[]): string {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  return encodeHistogram(h);
}

function phase(arm: 'direct' | 'meshed', repeat: number, latency: number, serviceArrivals: number[]): PhaseOutput {
  const n = 100;
  const windows = serviceArrivals.map((_, t) => ({ t, scheduled: 50, sent: 50, ok: 50, errors: 0, timeouts: 0, dropped: 0, p50: latency, p99: latency, max: latency, histogram: '' }));
  return {
    arm,
    repeat,
    startedAt: '2026-11-24T00:00:00Z',
    loadgen: {
      startedAt: '2026-11-24T00:00:00Z',
      measuredMs: 2000,
      requests: { scheduled: n, sent: n, ok: n - 2, errors: 1, timeouts: 1, dropped: 0, byStatus: { '200': n - 2, '503': 1 } },
      achievedRps: 50,
      histogram: hist(Array.from({ length: n }, () => latency)),
      sendLateness: hist([0.05, 0.1]),
      windows,
    },
    services: [
      { service: 'frontend', windows: serviceArrivals.map((_, t) => ({ t, arrivals: 50, completed: 50, expired: 0, inFlight: 0, queueDepth: 0 })) },
      { service: 'users', windows: serviceArrivals.map((a, t) => ({ t, arrivals: a, completed: a, expired: 0, inFlight: 0, queueDepth: 0 })) },
    ],
    faults: [],
    proxy: arm === 'meshed' ? { counters: { retries: 3 }, audit: [] } : null,
  };
}

const scenario = { arms: ['direct', 'meshed'], mesh: { port: 4140 } } as unknown as Scenario;
const meta = {
  id: 'abc123',
  startedAt: 'a',
  finishedAt: 'b',
  meshbenchVersion: '0.1.0',
  environment: { node: 'v20', platform: 'linux', arch: 'x64', kernel: '6', cpus: 2, cpuModel: 'x', totalMemGiB: 24, backend: 'embedded' as const },
};

test('repeats are merged per arm and the comparison is meshed minus direct', () => {
  const result = buildRunResult(scenario, [phase('direct', 0, 10, [50, 50]), phase('meshed', 0, 12, [50, 50]), phase('direct', 1, 10, [50, 50]), phase('meshed', 1, 12, [50, 50])], meta);
  assert.equal(result.schema, 'meshbench.run-result');
  assert.deepEqual(result.arms.map((a) => a.name), ['direct', 'meshed']);
  const [direct, meshed] = result.arms;
  assert.equal(direct!.repeats.length, 2);
  assert.equal(direct!.latencyMs.count, 200);
  assert.equal(direct!.requests.sent, 200);
  assert.equal(direct!.requests.byStatus['503'], 2);
  assert.ok(Math.abs(result.comparison!.addedMs.p50 - 2) < 0.05);
  assert.ok(Math.abs(result.comparison!.ratio.p99 - 1.2) < 0.01);
  assert.equal(meshed!.proxy!.counters.retries, 3);
  assert.deepEqual(meshed!.proxy!.config, { port: 4140 });
});

test('amplification is the most amplified service per client request', () => {
  const result = buildRunResult(scenario, [phase('direct', 0, 10, [50, 200]), phase('meshed', 0, 10, [50, 55])], meta);
  const [direct, meshed] = result.arms;
  assert.equal(direct!.amplification!.peak, 4);
  assert.equal(direct!.amplification!.mean, 2.5);
  assert.equal(meshed!.amplification!.peak, 1.1);
});

test('error rate counts every scheduled request that did not succeed', () => {
  assert.equal(errorRate({ scheduled: 100, sent: 90, ok: 80, errors: 5, timeouts: 5, dropped: 10, byStatus: {} }), 0.2);
  assert.equal(errorRate({ scheduled: 0, sent: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, byStatus: {} }), 0);
});
