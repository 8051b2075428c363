import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../src/core/rng.ts';
import { decide, drawBeta, drawBinomial, percentileInterval } from '../../src/gate/statistics.ts';
import { evaluateGates } from '../../src/gate/evaluate.ts';
import { syntheticResult, type SyntheticArm } from './synthetic-result.ts';

const TRUE_P99_MS = 20;

function coverage(trials: number, arm: Omit<SyntheticArm, 'name' | 'p50Ms' | 'p99Ms'>, confidence: number): number {
  let covered = 0;
  for (let i = 0; i < trials; i++) {
    const result = syntheticResult(100 + i, [{ name: 'meshed', p50Ms: 10, p99Ms: TRUE_P99_MS, ...arm }]);
    const [gate] = evaluateGates(result, ['meshed.p99 < 25ms'], { confidence, inconclusive: 'pass' }).gates;
    assert.ok(gate?.interval);
    if (gate.interval.lo <= TRUE_P99_MS && TRUE_P99_MS <= gate.interval.hi) covered++;
  }
  return covered / trials;
}

test('the p99 interval contains the true p99 at about the stated rate', () => {
  const one = { repeats: 1, requestsPerRepeat: 2000, drift: 0 };
  const at95 = coverage(200, one, 0.95);
  assert.ok(at95 >= 0.88 && at95 <= 0.99, `95% intervals covered the true p99 in ${at95 * 100}% of trials`);
  const at80 = coverage(200, one, 0.8);
  assert.ok(at80 >= 0.7 && at80 <= 0.88, `80% intervals covered the true p99 in ${at80 * 100}% of trials`);
});

test('with several repeats the interval errs on the wide side, never the narrow one', () => {
  const rate = coverage(100, { repeats: 3, requestsPerRepeat: 700, drift: 0 }, 0.95);
  assert.ok(rate >= 0.93, `covered in ${rate * 100}% of trials`);
});

test('the bootstrap is deterministic for a seed and depends on it', () => {
  const arm: SyntheticArm = { name: 'meshed', p50Ms: 10, p99Ms: 20, repeats: 3, requestsPerRepeat: 1000, drift: 0.04 };
  const result = syntheticResult(7, [arm]);
  const gates = ['meshed.p99 < 25ms', 'meshed.mean < 12ms', 'meshed.errorRate < 1%'];
  const a = evaluateGates(result, gates, { confidence: 0.95, inconclusive: 'pass', seed: 1 });
  const b = evaluateGates(result, gates, { confidence: 0.95, inconclusive: 'pass', seed: 1 });
  const c = evaluateGates(result, gates, { confidence: 0.95, inconclusive: 'pass', seed: 2 });
  assert.deepEqual(a, b);
  // p99 is quantised by the HDR buckets; the mean's interval moves with every resample.
  assert.notDeepEqual(a.gates[1]?.interval, c.gates[1]?.interval);
  // Without a seed the scenario's seed is used, so a result always gates the same way.
  assert.deepEqual(evaluateGates(result, gates, { confidence: 0.95, inconclusive: 'pass' }), evaluateGates(result, gates, { confidence: 0.95, inconclusive: 'pass', seed: result.scenario.seed }));
});

test('Beta and binomial draws have the right mean and spread', () => {
  const rng = seededRng(3);
  const n = 20_000;
  for (const [a, b] of [[1980, 21], [2, 5], [0.5, 0.5]] as const) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = drawBeta(rng, a, b);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    const wantMean = a / (a + b);
    const wantVar = (a * b) / ((a + b) ** 2 * (a + b + 1));
    assert.ok(Math.abs(mean - wantMean) < 4 * Math.sqrt(wantVar / n), `Beta(${a},${b}) mean ${mean} vs ${wantMean}`);
    assert.ok(Math.abs(variance / wantVar - 1) < 0.06, `Beta(${a},${b}) variance ${variance} vs ${wantVar}`);
  }
  for (const [trials, p] of [[30, 0.3], [5000, 0.001], [5000, 0.4], [5000, 0.999]] as const) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const k = drawBinomial(rng, trials, p);
      assert.ok(Number.isInteger(k) && k >= 0 && k <= trials);
      sum += k;
      sq += k * k;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    const wantVar = trials * p * (1 - p);
    assert.ok(Math.abs(mean - trials * p) < 4 * Math.sqrt(wantVar / n) + 0.01, `Binomial(${trials},${p}) mean ${mean}`);
    assert.ok(Math.abs(variance / wantVar - 1) < 0.1, `Binomial(${trials},${p}) variance ${variance} vs ${wantVar}`);
  }
});

test('a gate passes or fails only on the whole interval', () => {
  const draws = Array.from({ length: 1001 }, (_, i) => 10 + i / 100); // 10 … 20
  const ci = percentileInterval(draws, 0.9);
  assert.deepEqual(ci, { lo: 10.5, hi: 19.5 });
  assert.equal(decide(ci, '<', 25), 'pass');
  assert.equal(decide(ci, '<', 8), 'fail');
  assert.equal(decide(ci, '<', 15), 'inconclusive');
  assert.equal(decide(ci, '>=', 10.5), 'pass');
  assert.equal(decide(ci, '>', 19.5), 'fail');
  assert.equal(decide({ lo: 0, hi: Infinity }, '<', 2000), 'inconclusive');
});
