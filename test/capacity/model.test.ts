// From measured knees to a plan: which knees the model may use, what it fits, whether it passed
// its hold-out check, and that capacity.json carries the shape the issue promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelCapacity } from '../../src/capacity/model.ts';
import type { PlanRequest } from '../../src/capacity/plan.ts';
import { uslThroughput } from '../../src/capacity/usl.ts';
import { syntheticSweep } from './fixture.ts';

const request: PlanRequest = { targetRps: 20_000, headroom: 0.3, node: { cores: 4, memoryMiB: 16_384, maxPods: 110 }, proxyModel: 'daemonset' };
const linear = (n: number) => 800 * n;

test('linear knees: λ ≈ 800 per replica, σ = κ = 0, a trustworthy hold-out, nodes for both arms', () => {
  const result = modelCapacity(syntheticSweep([{ name: 'direct', capacity: linear }, { name: 'meshed', capacity: linear }]), request);
  for (const arm of result.arms) {
    assert.equal(arm.usl!.model, 'linear');
    assert.ok(Math.abs(arm.usl!.lambda - 784) < 2, `λ ${arm.usl!.lambda}`);
    assert.ok(arm.holdout!.trustworthy && arm.holdout!.replicas === 3 && arm.holdout!.errorPct < 1);
  }
  const { direct, meshed } = result.plan;
  assert.ok(direct?.feasible && meshed?.feasible);
  assert.equal(direct.replicas, 34);
  assert.ok(meshed.nodes > direct.nodes, 'the proxy costs nodes');
  assert.equal(result.plan.meshCostNodes, meshed.nodes - direct.nodes);
  // Extrapolating 34 ÷ 3 replicas is a doubt of its own, not of the model's fit.
  assert.deepEqual(result.arms.map((a) => a.doubts), [[], []]);
});

test('with contention configured, σ or κ > 0 is fitted and the held-out knee is predicted within 15 %', () => {
  const usl = { lambda: 200, sigma: 0.1, kappa: 0.02 };
  const result = modelCapacity(syntheticSweep([{ name: 'direct', capacity: (n) => uslThroughput(usl, n) }], [1, 2, 3, 4]), request);
  const arm = result.arms[0]!;
  assert.ok(arm.usl!.sigma > 0 || arm.usl!.kappa > 0);
  assert.ok(arm.holdout!.errorPct <= 15, `hold-out ${arm.holdout!.errorPct} %`);
  // 26 000 rps is far beyond where this service peaks: said, not extrapolated.
  assert.equal(result.plan.direct!.feasible, false);
  assert.equal(result.plan.trustworthy, false);
});

test('a knee the scaled service did not set, or measured beside other load, is left out or doubted', () => {
  const sweep = syntheticSweep([
    {
      name: 'meshed',
      capacity: linear,
      knee: (k) =>
        k.replicas === 3
          ? { ...k, limitedBy: 'elsewhere' }
          : k.replicas === 2
            ? { ...k, steps: k.steps.map((s) => ({ ...s, machine: { busy: 0.95, meshbenchCores: 0.7 } })) }
            : k,
    },
  ]);
  const arm = modelCapacity(sweep, request).arms[0]!;
  assert.deepEqual(arm.usl!.points.map((p) => p.replicas), [1, 2]);
  assert.equal(arm.holdout!.replicas, 2);
  assert.match(arm.doubts.join('\n'), /the 3-replica knee is left out of the fit: the SLO broke at 2448 rps while the scaled service was neither saturated nor queueing/);
  assert.match(arm.doubts.join('\n'), /other processes used 1\.2 of this machine's 2 cores/);
});

test('capacity.json has the promised shape: knees, usl, holdout and plan', () => {
  const json = JSON.parse(JSON.stringify(modelCapacity(syntheticSweep([{ name: 'direct', capacity: linear }, { name: 'meshed', capacity: linear }]), request)));
  assert.equal(json.schema, 'meshbench.capacity');
  assert.equal(json.version, 1);
  const arm = json.arms[1];
  assert.deepEqual(Object.keys(arm.knees[0]).filter((k) => ['replicas', 'maxRps', 'interval'].includes(k)), ['replicas', 'maxRps', 'interval']);
  assert.deepEqual(arm.knees[0].interval, { low: 784, high: 816 });
  for (const key of ['lambda', 'sigma', 'kappa']) assert.equal(typeof arm.usl[key], 'number');
  for (const key of ['replicas', 'predictedRps', 'measuredRps', 'errorPct']) assert.equal(typeof arm.holdout[key], 'number');
  assert.deepEqual([json.plan.targetRps, json.plan.headroom], [20_000, 0.3]);
  for (const side of ['direct', 'meshed']) for (const key of ['replicas', 'nodes']) assert.equal(typeof json.plan[side][key], 'number');
  assert.equal(typeof json.plan.meshCostNodes, 'number');
  assert.ok(arm.resources.proxy.coresPer1000Rps > 0.59 && arm.resources.proxy.coresPer1000Rps < 0.61, 'the mesh tax is the fixture proxy’s 0.6 cores per 1 000 rps');
});

test('when every knee is this machine’s, the plan takes the smallest as a lower bound, linear, and says so', () => {
  const sweep = syntheticSweep([
    { name: 'direct', capacity: linear },
    { name: 'meshed', capacity: (n) => [730, 735, 647][n - 1]!, knee: (k) => ({ ...k, limitedBy: 'machine', steps: k.steps.map((s) => ({ ...s, bottleneck: { ...s.bottleneck, queryMs: 12.4 } })) }) },
  ]);
  const result = modelCapacity(sweep, request);
  const meshed = result.arms[1]!;
  assert.equal(meshed.usl!.lowerBound, true);
  assert.deepEqual(meshed.usl!.points, [{ replicas: 1, rps: 715 }]);
  assert.equal(meshed.usl!.lambda, 715);
  assert.equal(meshed.holdout, null);
  assert.match(meshed.doubts.join('\n'), /the 2-replica knee is left out of the fit: the SLO broke at 750 rps while queries held their connection 12\.4 ms against 10\.0 ms configured: this machine was too busy/);
  assert.match(meshed.doubts.join('\n'), /takes the 1-replica knee \(715 rps, this machine's limit\) as a lower bound and assumes linear scaling/);
  const plan = result.plan.meshed!;
  assert.ok(plan.feasible && plan.replicas === Math.ceil(26_000 / 715), 'replicas from the lower bound');
  assert.equal(result.plan.trustworthy, false);
  assert.equal(result.arms[0]!.usl!.lowerBound, false);
});

test('when every meshed knee is the proxy’s (set elsewhere), the meshed plan scales the service as the direct arm measured it, adds the proxy per node, and says so', () => {
  const sweep = syntheticSweep([
    { name: 'direct', capacity: linear },
    { name: 'meshed', capacity: (n) => [575, 690, 780][n - 1]!, knee: (k) => ({ ...k, limitedBy: 'elsewhere' }) },
  ]);
  const result = modelCapacity(sweep, request);
  const [direct, meshed] = result.arms;
  assert.equal(meshed!.usl, null, 'no model is fitted to the meshed knees themselves');
  assert.match(meshed!.doubts.join('\n'), /every meshed knee was set elsewhere .* takes the service's model from the direct arm \(λ 7\d\d rps per replica\) and adds the proxy's measured cost \(0\.60 cores per 1 000 rps\)/);
  const plan = result.plan;
  const [d, m] = [plan.direct!, plan.meshed!];
  assert.ok(d.feasible && m.feasible);
  assert.equal(m.replicas, d.replicas, 'the same service model: the same replicas');
  assert.ok(m.proxy!.per === 'node' && m.proxy!.cores > 0);
  assert.ok(plan.meshCostNodes! >= 0, 'the mesh only adds nodes');
  assert.equal(plan.trustworthy, false, 'a borrowed model is a doubt');
  assert.equal(direct!.doubts.length, 0);

  // One meshed knee set by the service: the meshed arm has its own model, nothing is borrowed.
  const own = modelCapacity(syntheticSweep([
    { name: 'direct', capacity: linear },
    { name: 'meshed', capacity: linear, knee: (k) => (k.replicas === 3 ? { ...k, limitedBy: 'elsewhere' } : k) },
  ]), request).arms[1]!;
  assert.deepEqual(own.usl!.points.map((p) => p.replicas), [1, 2]);
  assert.doesNotMatch(own.doubts.join('\n'), /from the direct arm/);
});
