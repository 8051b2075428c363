// The USL fit is what a plan extrapolates with: it must recover coefficients it was built from,
// not invent contention that is not there, and its hold-out check must catch a model that does
// not predict a knee it did not see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../src/core/rng.ts';
import { fitUsl, fitUslModel, holdOut, uslCeiling, uslPeak, uslThroughput, type UslParams, type UslPoint } from '../../src/capacity/usl.ts';

const points = (p: UslParams, counts: number[], noise: (n: number) => number = () => 1): UslPoint[] =>
  counts.map((n) => ({ replicas: n, rps: uslThroughput(p, n) * noise(n) }));

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);
}

test('least squares recovers known σ and κ from exact synthetic knees', () => {
  for (const truth of [
    { lambda: 200, sigma: 0.1, kappa: 0.02 },
    { lambda: 800, sigma: 0.03, kappa: 0.0005 },
    { lambda: 1000, sigma: 0, kappa: 0.01 },
  ]) {
    const fit = fitUslModel(points(truth, [1, 2, 3, 4, 6, 8]), 'usl');
    near(fit.lambda / truth.lambda, 1, 1e-4, `λ of ${JSON.stringify(truth)}`);
    near(fit.sigma, truth.sigma, 1e-4, `σ of ${JSON.stringify(truth)}`);
    near(fit.kappa, truth.kappa, 1e-5, `κ of ${JSON.stringify(truth)}`);
  }
});

test('with ±2 % measurement noise the fitted curve stays within 5 % of the truth where it was measured', () => {
  const truth = { lambda: 300, sigma: 0.08, kappa: 0.004 };
  const rng = seededRng(11);
  const noisy = points(truth, [1, 2, 3, 4, 5, 6, 7, 8], () => 1 + (rng.next() - 0.5) * 0.04);
  const fit = fitUsl(noisy, 5);
  assert.ok(fit.sigma > 0 || fit.kappa > 0, 'contention is found');
  for (let n = 1; n <= 8; n++) near(uslThroughput(fit, n) / uslThroughput(truth, n), 1, 0.05, `fitted X(${n}) ÷ true`);
});

test('the simplest model within the resolution is kept: linear knees give σ = κ = 0', () => {
  const fit = fitUsl(points({ lambda: 800, sigma: 0, kappa: 0 }, [1, 2, 3], (n) => (n === 2 ? 0.97 : 1.02)), 5);
  assert.equal(fit.model, 'linear');
  assert.equal(fit.sigma, 0);
  assert.equal(fit.kappa, 0);
  near(fit.lambda, 800, 30, 'λ');
});

test('contention without crosstalk is fitted as σ alone; n knees never fit n parameters', () => {
  const amdahl = fitUsl(points({ lambda: 200, sigma: 0.15, kappa: 0 }, [1, 2, 3, 4]), 5);
  assert.equal(amdahl.model, 'contention');
  near(amdahl.sigma, 0.15, 1e-4, 'σ');
  assert.equal(amdahl.kappa, 0);
  assert.equal(fitUsl(points({ lambda: 200, sigma: 0.3, kappa: 0.05 }, [1, 2]), 5).model, 'linear', 'two knees fit λ only');
  assert.equal(fitUsl(points({ lambda: 200, sigma: 0.3, kappa: 0.05 }, [1, 2, 3]), 5).model, 'contention', 'three knees fit at most λ and σ');
  assert.equal(fitUsl(points({ lambda: 200, sigma: 0.1, kappa: 0.05 }, [1, 2, 3, 4]), 1).model, 'usl');
});

test('peak and ceiling: κ makes throughput fall past √((1−σ)/κ); σ alone caps it at λ/σ', () => {
  const usl = { lambda: 200, sigma: 0.1, kappa: 0.02 };
  const peak = uslPeak(usl)!;
  near(peak.replicas, Math.sqrt(0.9 / 0.02), 1e-9, 'peak N');
  assert.ok(uslThroughput(usl, 6) < peak.rps && uslThroughput(usl, 8) < peak.rps);
  assert.equal(uslPeak({ lambda: 200, sigma: 0.1, kappa: 0 }), null);
  near(uslCeiling({ lambda: 200, sigma: 0.1, kappa: 0 }), 2000, 1e-9, 'λ/σ');
  assert.equal(uslCeiling({ lambda: 200, sigma: 0, kappa: 0 }), Number.POSITIVE_INFINITY);
});

test('the hold-out predicts the largest count from the others and flags a miss over 15 %', () => {
  const truth = { lambda: 200, sigma: 0.1, kappa: 0.02 };
  const good = holdOut(points(truth, [1, 2, 3, 4]), 5)!;
  assert.equal(good.replicas, 4);
  near(good.measuredRps, uslThroughput(truth, 4), 1e-9, 'measured');
  assert.ok(good.errorPct < 5 && good.trustworthy, `error ${good.errorPct} %`);

  // The 4-replica knee fell off a cliff the first three knees give no hint of.
  const cliff = holdOut(points(truth, [1, 2, 3, 4], (n) => (n === 4 ? 0.6 : 1)), 5)!;
  assert.ok(cliff.errorPct > 15, `error ${cliff.errorPct} %`);
  assert.equal(cliff.trustworthy, false);
  assert.equal(holdOut([{ replicas: 1, rps: 100 }], 5), null);
});
