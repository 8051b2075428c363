import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { evaluateGates, gateRunResult } from '../../src/gate/evaluate.ts';
import type { RunResult } from '../../src/result/types.ts';
import { buildRunResult, buildScenario } from '../fixtures/run-result.ts';
import { syntheticResult, type SyntheticArm } from './synthetic-result.ts';

const opts = { confidence: 0.95, inconclusive: 'pass' as const };
const arm = (name: 'direct' | 'meshed', p50Ms: number, p99Ms: number, extra: Partial<SyntheticArm> = {}): SyntheticArm => ({
  name,
  p50Ms,
  p99Ms,
  repeats: 3,
  requestsPerRepeat: 3000,
  drift: 0.02,
  ...extra,
});
const twoArms = syntheticResult(11, [arm('direct', 8, 15), arm('meshed', 10, 20, { errorShare: 0.002 })]);

function statuses(result: RunResult, gates: string[], extra: { baseline?: RunResult } = {}) {
  return evaluateGates(result, gates, { ...opts, ...extra }).gates.map((g) => g.status);
}

test('absolute gates pass, fail, or are inconclusive when the threshold is inside the noise', () => {
  const report = evaluateGates(twoArms, ['meshed.p99 < 30ms', 'meshed.p99 < 15ms', 'meshed.p99 < 20ms'], opts);
  assert.deepEqual(report.gates.map((g) => g.status), ['pass', 'fail', 'inconclusive']);
  const [pass, fail] = report.gates;
  assert.ok(pass && fail && pass.interval && fail.interval);
  assert.ok(pass.interval.lo < 20 && pass.interval.hi > 20, 'the interval brackets the true p99 of 20ms');
  assert.equal(pass.threshold, 30);
  assert.match(fail.verdict, /^FAIL meshed\.p99 < 15ms — meshed\.p99 = [\d.]+ms \(95% CI [\d.]+ms … [\d.]+ms\); whole interval violates < 15ms$/);
  assert.equal(report.exitCode, 1);
  // An inconclusive gate exits as configured.
  assert.equal(evaluateGates(twoArms, ['meshed.p99 < 20ms'], opts).exitCode, 0);
  assert.equal(evaluateGates(twoArms, ['meshed.p99 < 20ms'], { ...opts, inconclusive: 'fail' }).exitCode, 1);
});

test('rates, throughput and arm comparisons', () => {
  assert.deepEqual(statuses(twoArms, ['meshed.errorRate < 1%', 'meshed.errorRate < 0.01%', 'direct.errorRate <= 0%', 'meshed.achievedRps >= 780', 'meshed.timeoutRate < 0.1%']), ['pass', 'fail', 'pass', 'pass', 'pass']);
  // meshed p99 / direct p99 is 20 / 15 ≈ 1.33; meshed adds ≈ 5 ms.
  assert.deepEqual(statuses(twoArms, ['meshed.p99 / direct.p99 < 1.5', 'meshed.p99 / direct.p99 < 1.2', 'meshed.p99 - direct.p99 < 8ms', 'meshed.p99 - direct.p99 < 2ms', 'meshed.p50 > direct.p50']), ['pass', 'fail', 'pass', 'fail', 'pass']);
  const [ratio] = evaluateGates(twoArms, ['meshed.p99 / direct.p99 < 1.5'], opts).gates;
  assert.ok(ratio?.measured && Math.abs(ratio.measured - 20 / 15) < 0.08, `ratio ${ratio?.measured}`);
  const [rate] = evaluateGates(twoArms, ['meshed.errorRate < 1%'], opts).gates;
  assert.equal(rate?.text.threshold, '< 1%');
});

test('regression against a baseline: a real shift fails, the same distribution does not', () => {
  const baseline = syntheticResult(21, [arm('meshed', 10, 20)]);
  const same = syntheticResult(22, [arm('meshed', 10, 20)]);
  const slower = syntheticResult(23, [arm('meshed', 13, 26)]);
  const gates = ['meshed.p99 regresses < 10%', 'meshed.p99 <= baseline.meshed.p99 * 1.10', 'meshed.p99 - baseline.meshed.p99 < 1ms'];
  assert.deepEqual(statuses(slower, gates, { baseline }), ['fail', 'fail', 'fail']);
  for (const s of statuses(same, gates, { baseline })) assert.notEqual(s, 'fail');
  const [sugar, explicit] = evaluateGates(slower, gates, { ...opts, baseline }).gates;
  assert.ok(sugar && explicit && sugar.measured !== null && explicit.measured !== null);
  // The sugar judges the relative change, the explicit form the ratio: the same thing.
  assert.ok(Math.abs(sugar.measured + 1 - explicit.measured) < 1e-9);
  assert.ok(Math.abs(sugar.measured - 0.3) < 0.08, `+30 % measured as ${sugar.measured}`);
  assert.equal(sugar.unit, 'change');
  assert.match(sugar.text.measured, /^\+\d/);
  const report = evaluateGates(slower, gates, { ...opts, baseline });
  assert.equal(report.baselineId, baseline.id);
});

test('outcomes, recovery and amplification from the retry-storm result', () => {
  const storm = buildRunResult();
  assert.deepEqual(
    statuses(storm, ['meshed.recovered', 'direct.recovered', '!direct.recovered', 'meshed.recovery < 2s', 'direct.recovery < 2s', 'meshed.amplification < 1.5', 'direct.amplification < 1.5']),
    ['pass', 'fail', 'pass', 'pass', 'fail', 'pass', 'fail'],
  );
  // Repeats that disagree make an outcome inconclusive.
  const mixed = buildRunResult();
  const meshed = mixed.arms.find((a) => a.name === 'meshed')!;
  meshed.recovery = [
    { fault: 'db-lock user-service', repeat: 0, recoveredAfterS: 0.9, status: 'recovered' },
    { fault: 'db-lock user-service', repeat: 1, recoveredAfterS: null, status: 'not-recovered' },
  ];
  const [outcome, time] = evaluateGates(mixed, ['meshed.recovered', 'meshed.recovery < 2s'], opts).gates;
  assert.equal(outcome?.status, 'inconclusive');
  assert.equal(outcome?.text.measured, 'recovered in 1/2 repeats');
  assert.equal(time?.status, 'inconclusive');
});

function rejects(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err) => isMeshbenchError(err) && err.code === code && err.exitCode === 2 && pattern.test(err.message) && err.hint.length > 0);
}

test('what cannot be judged is bad input (exit 2), not a pass', () => {
  rejects(() => evaluateGates(twoArms, ['meshed.p99 regresses < 10%'], opts), 'gate-needs-baseline', /baseline/);
  const meshedOnly = syntheticResult(5, [arm('meshed', 10, 20)]);
  rejects(() => evaluateGates(meshedOnly, ['meshed.p99 / direct.p99 < 1.3'], opts), 'gate-arm-missing', /no "direct" arm/);
  rejects(() => evaluateGates(twoArms, ['meshed.amplification < 2'], opts), 'gate-metric-missing', /amplification/);
  rejects(() => evaluateGates(twoArms, ['meshed.recovered'], opts), 'gate-metric-missing', /no recovery/);
  rejects(() => evaluateGates(twoArms, ['meshed.p99 < 25'], opts), 'gate-syntax', /column 14/);
  rejects(() => evaluateGates(twoArms, ['meshed.p99 < 25ms'], { ...opts, confidence: 95 }), 'gate-confidence', /95/);
});

test('an undefined statistic is inconclusive, never a pass', () => {
  // Neither arm has errors: the ratio of error rates is 0 / 0.
  const clean = syntheticResult(12, [arm('direct', 8, 15), arm('meshed', 10, 20)]);
  const [g] = evaluateGates(clean, ['meshed.errorRate / direct.errorRate < 2'], opts).gates;
  assert.equal(g?.status, 'inconclusive');
  assert.equal(g?.interval, null);
});

test('gateRunResult judges the scenario gates with its gate options (what `meshbench run` exits on)', () => {
  const storm = buildRunResult();
  // The fixture's scenario: meshed.p99 < 25ms fails (the lock's errors reach the tail).
  const report = gateRunResult(storm);
  assert.deepEqual(report.gates.map((g) => g.expression), storm.scenario.gates);
  assert.equal(report.gates[0]?.status, 'fail');
  assert.equal(report.exitCode, 1);
  assert.equal(report.inconclusive, storm.scenario.gateOptions.inconclusive);
  const relaxed = buildRunResult({ scenario: buildScenario({ gates: ['meshed.p50 < 25ms', 'meshed.recovered'] }) });
  assert.equal(gateRunResult(relaxed).exitCode, 0);
  const none = buildRunResult({ scenario: buildScenario({ gates: [] }) });
  assert.deepEqual(gateRunResult(none).gates, []);
  assert.equal(gateRunResult(none).exitCode, 0);
});

test('a gate on a comparison the run cannot support is inconclusive, never pass or fail, and says why', () => {
  const storm = buildRunResult();
  const floor = { check: 'floor' as const, status: 'inconclusive' as const, scope: 'latency-difference' as const, message: 'the p99 cost is below the floor' };
  const invalidFloor = { ...storm, validity: { status: 'inconclusive' as const, reasons: [floor], checks: [floor] } };
  const [between, absolute, outcome] = evaluateGates(invalidFloor, ['meshed.p99 / direct.p99 < 100', 'meshed.p50 < 1s', 'meshed.recovered'], opts).gates;
  assert.equal(between!.status, 'inconclusive', 'a between-arms latency gate is what the floor concerns');
  assert.match(between!.verdict, /^INCONCLUSIVE meshed\.p99 \/ direct\.p99 < 100 — .*; not a valid comparison \(it would pass\): the p99 cost is below the floor$/);
  assert.deepEqual(between!.validity, ['the p99 cost is below the floor']);
  assert.equal(absolute!.status, 'pass', 'one arm\'s latency is not a difference below the floor');
  assert.equal(outcome!.status, 'pass');

  const busy = { check: 'concurrent-run' as const, status: 'inconclusive' as const, scope: 'run' as const, message: 'another meshbench run was active' };
  const shared = { ...storm, validity: { status: 'inconclusive' as const, reasons: [busy], checks: [busy] } };
  const report = evaluateGates(shared, ['meshed.recovered', '!direct.recovered', 'meshed.p50 < 1s'], opts);
  assert.deepEqual(report.gates.map((g) => g.status), ['inconclusive', 'inconclusive', 'inconclusive'], 'a shared machine concerns every gate');
  assert.equal(report.exitCode, 0, 'inconclusive counts as configured (pass here)');
  assert.equal(evaluateGates(shared, ['meshed.recovered'], { ...opts, inconclusive: 'fail' }).exitCode, 1);
});

test('a recovery that could not be judged makes the recovery gate inconclusive', () => {
  const storm = buildRunResult();
  const meshed = storm.arms.find((a) => a.name === 'meshed')!;
  meshed.recovery = meshed.recovery.map((r) => ({ ...r, recoveredAfterS: null, status: 'no-time' as const }));
  const [gate] = evaluateGates(storm, ['meshed.recovered'], opts).gates;
  assert.equal(gate!.status, 'inconclusive');
  assert.match(gate!.verdict, /recovery could not be judged in 2 repeat\(s\)/);
});
