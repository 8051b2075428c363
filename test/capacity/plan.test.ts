// The plan is what a user buys nodes by, so its arithmetic is checked by hand here: replicas from
// the fitted model, pods per node from measured CPU and RSS, the proxy per node (DaemonSet) or
// per pod (sidecar), and a target no replica count reaches said instead of guessed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePlan, podsPerNode, replicasFor, type ArmModel, type PlanRequest } from '../../src/capacity/plan.ts';
import type { UslFit } from '../../src/capacity/usl.ts';

const linear800: UslFit = { lambda: 800, sigma: 0, kappa: 0, model: 'linear', maxResidualPct: 1 };
const replica = { idleCores: 0.02, coresPer1000Rps: 0.1, rssMiB: 70 };
const proxy = { idleCores: 0.05, coresPer1000Rps: 0.6, rssMiB: 100, rssMiBPer1000Rps: 5 };
const models: ArmModel[] = [
  { arm: 'direct', usl: linear800, resources: { replica, proxy: null, samples: 9 }, largestMeasured: 3 },
  { arm: 'meshed', usl: linear800, resources: { replica, proxy, samples: 9 }, largestMeasured: 3 },
];
const request: PlanRequest = { targetRps: 20_000, headroom: 0.3, node: { cores: 4, memoryMiB: 16_384, maxPods: 110 }, proxyModel: 'daemonset' };

test('20 000 rps + 30 % on 800 rps replicas: 33 replicas; direct packs 40 per 4-core node, the DaemonSet proxy leaves room for 6', () => {
  const plan = makePlan(models, request);
  assert.equal(plan.neededRps, 26_000);
  const direct = plan.direct!;
  const meshed = plan.meshed!;
  assert.ok(direct.feasible && meshed.feasible);
  // 32 × 800 = 25 600 < 26 000 ≤ 33 × 800.
  assert.equal(direct.replicas, 33);
  assert.ok(Math.abs(direct.perReplicaRps - 26_000 / 33) < 1e-9);
  // A replica at 787.9 rps: 0.02 + 0.1 × 0.7879 = 0.0988 cores → 40 fit in 4 cores (memory allows 234).
  assert.deepEqual([direct.podsPerNode, direct.bound, direct.nodes], [40, 'cpu', 1]);
  // With k replicas the node's proxy carries k × 787.9 rps: 0.05 + 0.6 × 0.7879 k cores; 6 × 0.0988 + 0.05 + 2.836 = 3.48 ≤ 4 < 7 pods.
  assert.deepEqual([meshed.podsPerNode, meshed.bound, meshed.nodes], [6, 'cpu', 6]);
  assert.equal(meshed.proxy!.per, 'node');
  assert.ok(Math.abs(meshed.proxy!.cores - (0.05 + 0.6 * 6 * (26_000 / 33 / 1000))) < 1e-9);
  assert.equal(plan.meshCostNodes, 5);
  assert.equal(direct.extrapolation, 11);
});

test('sidecars: every pod carries its own proxy, idle cost included', () => {
  const plan = makePlan(models, { ...request, proxyModel: 'sidecar' });
  const meshed = plan.meshed!;
  assert.ok(meshed.feasible);
  // 0.0988 + 0.05 + 0.4727 = 0.6215 cores per pod → 6 per node.
  assert.deepEqual([meshed.podsPerNode, meshed.nodes, meshed.proxy!.per], [6, 6, 'pod']);
  assert.ok(Math.abs(meshed.proxy!.memoryMiB - (100 + 5 * (26_000 / 33 / 1000))) < 1e-9);
});

test('memory and the pod limit bound a node too', () => {
  assert.deepEqual(podsPerNode({ cores: 64, memoryMiB: 1000, maxPods: 110 }, { cores: 0.1, memoryMiB: 70 }, () => ({ cores: 0, memoryMiB: 0, pods: 0 })), { k: 14, bound: 'memory' });
  assert.deepEqual(podsPerNode({ cores: 64, memoryMiB: 1e6, maxPods: 110 }, { cores: 0.1, memoryMiB: 70 }, () => ({ cores: 0, memoryMiB: 0, pods: 1 })), { k: 109, bound: 'pods' });
});

test('a target the model never reaches, and a node too small for one replica, are said with the numbers', () => {
  const peaked: UslFit = { lambda: 200, sigma: 0.1, kappa: 0.02, model: 'usl', maxResidualPct: 1 };
  assert.match((replicasFor(peaked, 26_000) as { reason: string }).reason, /peaks at 5\d\d rps near 7 replicas/);
  const capped: UslFit = { lambda: 200, sigma: 0.1, kappa: 0, model: 'contention', maxResidualPct: 1 };
  assert.match((replicasFor(capped, 2500) as { reason: string }).reason, /approaches λ\/σ = 2000 rps/);
  // 200N / (1 + 0.1(N − 1)) ≥ 1500 ⇔ 50N ≥ 1350.
  assert.deepEqual(replicasFor(capped, 1500), { replicas: 27 });
  assert.match((replicasFor(linear800, 1e9) as { reason: string }).reason, /more than 100000 replicas/);

  const tiny = makePlan(models, { ...request, node: { cores: 0.5, memoryMiB: 64, maxPods: 110 } });
  assert.ok(!tiny.direct!.feasible && !tiny.meshed!.feasible);
  assert.match(tiny.meshed!.feasible ? '' : tiny.meshed!.reason, /cannot hold even one: it needs a replica \(0\.1 cores, 70 MiB\) plus its proxy/);
  assert.equal(tiny.meshCostNodes, null);
});

test('an arm without a fitted model gets no plan, and says why', () => {
  const plan = makePlan([{ arm: 'direct', usl: null, resources: null, largestMeasured: 0 }], request);
  assert.equal(plan.meshed, null);
  assert.match(plan.direct!.feasible ? '' : plan.direct!.reason, /no knee set by the scaled service/);
});
