// A baseline that keeps several runs knows how much whole runs differ. Checked against theory
// (Student-t quantiles) and on synthetic runs whose run-to-run shifts are known: a candidate
// inside the baseline runs' spread is not a regression, one far beyond it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { betweenRunBand, studentTQuantile } from '../../src/gate/between-runs.ts';
import { evaluateGates } from '../../src/gate/evaluate.ts';
import { syntheticResult, type SyntheticArm } from './synthetic-result.ts';

test('Student-t quantiles match the tables', () => {
  // Two-sided 95 %: df 1, 2, 4, 10, 30; 90 % at df 3.
  const table: Array<[number, number, number]> = [
    [0.95, 1, 12.706],
    [0.95, 2, 4.303],
    [0.95, 4, 2.776],
    [0.95, 10, 2.228],
    [0.95, 30, 2.042],
    [0.9, 3, 2.353],
  ];
  for (const [c, df, t] of table) assert.ok(Math.abs(studentTQuantile(c, df) - t) < 0.001, `t(${c}, ${df}) = ${studentTQuantile(c, df)}, expected ${t}`);
});

test('the between-run band is mean ± t·sd·√(1 + 1/K), and needs two runs', () => {
  const band = betweenRunBand([1, 2, 3], 0.95)!;
  const half = 4.303 * 1 * Math.sqrt(1 + 1 / 3);
  assert.ok(Math.abs(band.mean - 2) < 1e-12 && Math.abs(band.sd - 1) < 1e-12);
  assert.ok(Math.abs(band.interval.lo - (2 - half)) < 0.002 && Math.abs(band.interval.hi - (2 + half)) < 0.002);
  assert.equal(betweenRunBand([1], 0.95), null);
});

const GATE = 'meshed.p99 regresses < 10%';
const arm = (scale: number): SyntheticArm[] => [{ name: 'meshed', p50Ms: 10 * scale, p99Ms: 25 * scale, repeats: 3, requestsPerRepeat: 1500, drift: 0.02 }];
// Five baseline runs on a machine whose load moves whole runs by up to ±25 %.
const RUN_SCALES = [1.0, 1.25, 0.85, 1.15, 0.9];
const baselineRuns = RUN_SCALES.map((s, i) => syntheticResult(100 + i, arm(s)));

test('a shift inside the spread between baseline runs is not a regression', () => {
  const candidate = syntheticResult(200, arm(1.2));
  // Against the newest run alone (0.9 ×) the bootstrap sees +33 % and fails: a false alarm.
  const single = evaluateGates(candidate, [GATE], { baseline: baselineRuns.at(-1)!, confidence: 0.95, inconclusive: 'pass' }).gates[0]!;
  assert.equal(single.status, 'fail', single.verdict);
  const noiseAware = evaluateGates(candidate, [GATE], { baseline: baselineRuns, confidence: 0.95, inconclusive: 'pass' });
  const g = noiseAware.gates[0]!;
  assert.notEqual(g.status, 'fail', g.verdict);
  assert.equal(noiseAware.baselineRuns, 5);
  assert.match(g.verdict, /between 5 baseline runs /);
  assert.equal(noiseAware.exitCode, 0);
});

test('a shift well beyond the spread between baseline runs fails (10 ms → 30 ms service time)', () => {
  const candidate = syntheticResult(201, arm(3));
  const r = evaluateGates(candidate, [GATE], { baseline: baselineRuns, confidence: 0.95, inconclusive: 'pass' });
  assert.equal(r.gates[0]!.status, 'fail', r.gates[0]!.verdict);
  assert.equal(r.exitCode, 1);
});

test('identical baseline runs leave the bootstrap interval as it was', () => {
  const candidate = syntheticResult(202, arm(1));
  const one = syntheticResult(103, arm(1));
  const single = evaluateGates(candidate, [GATE], { baseline: one, confidence: 0.95, inconclusive: 'pass' }).gates[0]!;
  const twice = evaluateGates(candidate, [GATE], { baseline: [one, one], confidence: 0.95, inconclusive: 'pass' }).gates[0]!;
  // The band of two identical runs has zero width at the point estimate, inside the bootstrap interval.
  assert.ok(twice.interval && single.interval);
  assert.ok(Math.abs(twice.measured! - single.measured!) < 1e-9);
  assert.ok(twice.interval.lo <= twice.measured! && twice.interval.hi >= twice.measured!);
});

test('without a baseline, baseline gates are skipped, passed in JUnit, or failed, as asked', () => {
  const candidate = syntheticResult(203, arm(1));
  const gates = [GATE, 'meshed.p99 < 1s'];
  const skip = evaluateGates(candidate, gates, { confidence: 0.95, inconclusive: 'pass', missingBaseline: 'skip' });
  assert.deepEqual(skip.gates.map((g) => g.status), ['skipped', 'pass']);
  assert.equal(skip.exitCode, 0);
  assert.equal(skip.missingBaseline, 'skip');
  const fail = evaluateGates(candidate, gates, { confidence: 0.95, inconclusive: 'pass', missingBaseline: 'fail' });
  assert.deepEqual(fail.gates.map((g) => g.status), ['fail', 'pass']);
  assert.equal(fail.exitCode, 1);
  assert.throws(() => evaluateGates(candidate, gates, { confidence: 0.95, inconclusive: 'pass' }), /compares against a baseline, but none was given/);
});
