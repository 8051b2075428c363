// The plan buys nodes by these lines: a process's idle cost and its cost per request must come
// out of the steady steps as measured, and never turn negative on noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costLine, coresAt, proxyRssAt, resourceModel } from '../../src/capacity/resources.ts';

test('a least-squares line separates idle cost from cost per request', () => {
  const line = costLine([100, 400, 900].map((x) => ({ x, y: 0.05 + 0.0003 * x })));
  assert.ok(Math.abs(line.intercept - 0.05) < 1e-12 && Math.abs(line.slope - 0.0003) < 1e-12);
});

test('noise never makes a cost fall with load or go below zero idle', () => {
  assert.deepEqual(costLine([{ x: 100, y: 0.2 }, { x: 200, y: 0.1 }]), { intercept: 0.15000000000000002, slope: 0 });
  const throughOrigin = costLine([{ x: 100, y: 0.01 }, { x: 200, y: 0.05 }]);
  assert.equal(throughOrigin.intercept, 0);
  assert.ok(throughOrigin.slope > 0);
  assert.deepEqual(costLine([{ x: 300, y: 0.3 }]), { intercept: 0, slope: 0.001 });
  assert.deepEqual(costLine([]), { intercept: 0, slope: 0 });
});

test('the model: replica cost per replica-rate, proxy cost per client rate, the largest replica RSS', () => {
  const m = resourceModel([
    { replicas: 1, okRps: 200, replicaCores: 0.02 + 0.0001 * 200, replicaRssMiB: 60, proxy: { cores: 0.01 + 0.0006 * 200, rssMiB: 100 + 0.01 * 200 } },
    { replicas: 2, okRps: 800, replicaCores: 0.02 + 0.0001 * 400, replicaRssMiB: 64, proxy: { cores: 0.01 + 0.0006 * 800, rssMiB: 100 + 0.01 * 800 } },
  ])!;
  assert.ok(Math.abs(m.replica.coresPer1000Rps - 0.1) < 1e-9 && Math.abs(m.replica.idleCores - 0.02) < 1e-9);
  assert.equal(m.replica.rssMiB, 64);
  assert.ok(Math.abs(m.proxy!.coresPer1000Rps - 0.6) < 1e-9 && Math.abs(m.proxy!.idleCores - 0.01) < 1e-9);
  assert.ok(Math.abs(m.proxy!.rssMiBPer1000Rps - 10) < 1e-9 && Math.abs(m.proxy!.rssMiB - 100) < 1e-9);
  assert.ok(Math.abs(coresAt(m.proxy!, 1000) - 0.61) < 1e-9);
  assert.ok(Math.abs(proxyRssAt(m.proxy!, 1000) - 110) < 1e-9);
  assert.equal(resourceModel([]), null);
  assert.equal(resourceModel([{ replicas: 1, okRps: 10, replicaCores: 0.01, replicaRssMiB: 50, proxy: null }])!.proxy, null);
});
