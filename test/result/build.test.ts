import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunResult, errorRate } from '../../src/result/build.ts';
import type { PhaseOutput } from '../../src/runner/phase.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { encodeHistogram, newHistogram, recordMs } from '../../src/stats/histogram.ts';
import { windows as windowsOf } from '../fixtures/windows.ts';

function hist(values: number[]): string {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  return encodeHistogram(h);
}

/** One phase: 100 requests (98 ok at `latency`, one 503 fast failure, one timeout); `attempts` per edge window. */
function phase(arm: 'direct' | 'meshed', repeat: number, latency: number, attempts: number[]): PhaseOutput {
  const n = 100;
  return {
    arm,
    repeat,
    startedAt: '2026-11-24T00:00:00Z',
    loadgen: {
      startedAt: '2026-11-24T00:00:00Z',
      measuredMs: 2000,
      requests: { scheduled: n, sent: n, ok: n - 2, errors: 1, timeouts: 1, dropped: 0, byStatus: { '200': n - 2, '503': 1 } },
      failures: { 'proxy:shed': 1, 'client-timeout': 1 },
      achievedRps: 50,
      histogram: hist(Array.from({ length: n - 2 }, () => latency)),
      histogramAll: hist([...Array.from({ length: n - 2 }, () => latency), 0.5, 1000]),
      sendLateness: hist([0.05, 0.1]),
      warmup: { ms: 3000, endedBy: 'settled', windows: [] },
      windows: windowsOf(attempts.map(() => [latency, 1])),
    },
    services: [{ service: 'users', windows: attempts.map((a, t) => ({ t, arrivals: a, completed: a, expired: 0, inFlight: 0, queueDepth: 0 })) }],
    edges: [{ from: 'frontend', to: 'users', caller: arm === 'direct' ? 'app' : 'proxy', windows: attempts.map((a, t) => ({ t, requests: 50, attempts: a, attempted: 50, arrivals: a })) }],
    faults: [],
    conditions: [],
    proxy: arm === 'meshed' ? { counters: { retries: 3 }, audit: [], destinations: {} } : null,
    // Two proxy pods (a DaemonSet on two nodes); the first grows by 1 MB per repeat.
    proxyUsage:
      arm === 'meshed'
        ? {
            counters: { requests: 200, retries: 3 },
            cpuSeconds: 0.04,
            rssBytes: 80e6 + repeat * 1e6,
            processes: [
              { name: `proxy-a-${repeat}`, node: 'node-a', cpuSeconds: 0.03, rssBytes: 80e6 + repeat * 1e6 },
              { name: `proxy-b-${repeat}`, node: 'node-b', cpuSeconds: 0.01, rssBytes: 50e6 },
            ],
          }
        : null,
  };
}

const scenario = { arms: ['direct', 'meshed'], mesh: { port: 4140 } } as unknown as Scenario;
const meta = {
  id: 'abc123',
  startedAt: 'a',
  finishedAt: 'b',
  meshbenchVersion: '0.1.0',
  environment: { node: 'v20', platform: 'linux', arch: 'x64', kernel: '6', cpus: 2, cpuModel: 'x', totalMemGiB: 24, backend: 'embedded' as const },
  host: { cpus: 2, loadAverageBefore: [0.1, 0.1, 0.1] as [number, number, number], loadAverageAfter: [1, 0.5, 0.2] as [number, number, number], otherRunsBefore: [], otherRunsAfter: [] },
};

test('repeats are merged per arm; latency is of successes, all-request latency and failures by reason beside it', () => {
  const result = buildRunResult(scenario, [phase('direct', 0, 10, [50, 50]), phase('meshed', 0, 12, [50, 50]), phase('direct', 1, 10, [50, 50]), phase('meshed', 1, 12, [50, 50])], meta);
  assert.equal(result.schema, 'meshbench.run-result');
  assert.equal(result.version, 2);
  assert.deepEqual(result.arms.map((a) => a.name), ['direct', 'meshed']);
  const [direct, meshed] = result.arms;
  assert.equal(direct!.repeats.length, 2);
  assert.equal(direct!.latencyMs.count, 196, 'only the successes');
  assert.equal(direct!.latencyAllMs.count, 200);
  assert.ok(direct!.latencyAllMs.max > 999, 'the timeout is in the all-request latency');
  assert.ok(direct!.latencyMs.max < 11, 'and not in the headline latency');
  assert.deepEqual(direct!.failures.byReason, { 'proxy:shed': 2, 'client-timeout': 2 });
  assert.equal(direct!.goodputRps, 196 / 4);
  assert.equal(direct!.requests.byStatus['503'], 2);
  assert.ok(Math.abs(result.comparison!.addedMs.p50 - 2) < 0.05);
  assert.ok(Math.abs(result.comparison!.ratio.p99 - 1.2) < 0.01);
  assert.deepEqual(result.host.loadAverageBefore, [0.1, 0.1, 0.1]);
});

test('the proxy report holds what it did and cost over the measured parts', () => {
  const result = buildRunResult(scenario, [phase('direct', 0, 10, [50]), phase('meshed', 0, 12, [50]), phase('direct', 1, 10, [50]), phase('meshed', 1, 12, [50])], meta);
  const proxy = result.arms[1]!.proxy!;
  assert.equal(proxy.counters.retries, 6);
  assert.ok(Math.abs(proxy.cpuPerKiloRps! - (1000 * 0.08) / 400) < 1e-12, 'CPU-seconds per 1 000 proxied requests = cores at 1 000 rps');
  assert.equal(proxy.rssBytes, 81e6, 'the largest one proxy process reached, not a sum over pods');
  assert.deepEqual(
    proxy.processes.map((p) => [p.repeat, p.name, p.node, p.cpuSeconds, p.rssBytes]),
    [
      [0, 'proxy-a-0', 'node-a', 0.03, 80e6],
      [0, 'proxy-b-0', 'node-b', 0.01, 50e6],
      [1, 'proxy-a-1', 'node-a', 0.03, 81e6],
      [1, 'proxy-b-1', 'node-b', 0.01, 50e6],
    ],
    'every proxy process of every repeat, apart',
  );
  assert.equal(result.arms[0]!.proxy, null);
});

test('amplification is per call edge: attempts ÷ attempted requests, the worst edge for the arm', () => {
  const result = buildRunResult(scenario, [phase('direct', 0, 10, [50, 200]), phase('meshed', 0, 10, [50, 55])], meta);
  const [direct, meshed] = result.arms;
  assert.deepEqual(direct!.amplification, { peak: 4, mean: 2.5, edge: 'frontend->users' });
  assert.equal(meshed!.amplification!.peak, 1.1);
  assert.equal(direct!.edges[0]!.caller, 'app');
});

test('error rate counts every scheduled request that did not succeed', () => {
  assert.equal(errorRate({ scheduled: 100, sent: 90, ok: 80, errors: 5, timeouts: 5, dropped: 10, byStatus: {} }), 0.2);
  assert.equal(errorRate({ scheduled: 0, sent: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, byStatus: {} }), 0);
});
