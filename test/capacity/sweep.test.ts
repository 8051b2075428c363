// The sweep policy decides every rate a capacity run offers. Driven here by queueing models
// instead of processes: it must bracket the knee as narrowly as the resolution asks, survive a
// one-off stall, and say when the knee is outside what it may offer instead of guessing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findKnee, rampRates, type Measure, type StepOutcome, type SweepLimits } from '../../src/capacity/sweep.ts';

const LIMITS: SweepLimits = { minRps: 5, maxRps: 4000, resolution: 0.05 };

/** A service of capacity `c` rps with fixed service time: meets the SLO exactly up to c. */
function capacityModel(c: number): Measure<StepOutcome> {
  return async (rate) => ({ rate, meets: rate <= c });
}

/**
 * Fluid model of replicas × pool / service time under constant arrivals over a step: below
 * capacity p99 is the service time; above it the backlog grows for the whole step, so the last
 * arrivals wait (rate − capacity) × duration ÷ capacity seconds.
 */
function fluidQueue(capacity: number, serviceMs: number, stepS: number, p99LimitMs: number): Measure<StepOutcome & { p99: number }> {
  return async (rate) => {
    const p99 = serviceMs + (rate <= capacity ? 0 : (((rate - capacity) * stepS) / capacity) * 1000 * 0.99);
    return { rate, p99, meets: p99 < p99LimitMs };
  };
}

test('ramp rates: fractions of saturation, then growth, clipped to the limits, ascending', () => {
  assert.deepEqual(rampRates(1000, LIMITS), [500, 750, 900, 1000, 1100, 1375, 1719, 2148, 2686, 3357, 4000]);
  assert.deepEqual(rampRates(10, { ...LIMITS, maxRps: 12 }), [5, 8, 9, 10, 11, 12]);
});

test('the knee is bracketed within the resolution: low meets, high does not', async () => {
  for (const [capacity, saturation] of [
    [1600, 1650],
    [800, 1500],
    [123, 120],
  ] as const) {
    const search = await findKnee(capacityModel(capacity), saturation, LIMITS);
    assert.equal(search.outcome, 'found');
    assert.ok(search.low! <= capacity && search.high! > capacity, `[${search.low}, ${search.high}) holds ${capacity}`);
    assert.ok((search.high! - search.low!) / search.low! <= 0.05, `bracket [${search.low}, ${search.high}) within 5 %`);
    assert.ok(search.steps.some((s) => s.purpose === 'bisect') || (search.high! - search.low!) / search.low! <= 0.05);
    assert.ok(search.steps.length <= 12, `${search.steps.length} steps`);
  }
});

test('with a fluid queue of replicas × pool / service time the SLO knee is within ±10 % of capacity', async () => {
  for (const replicas of [1, 2, 3]) {
    const capacity = (replicas * 8) / 0.01; // pool 8, 10 ms
    const search = await findKnee(fluidQueue(capacity, 10, 2, 50), capacity * 1.05, LIMITS);
    assert.equal(search.outcome, 'found');
    assert.ok(Math.abs(search.low! / capacity - 1) <= 0.1, `knee ${search.low} vs capacity ${capacity}`);
  }
});

test('a single failure far below saturation is measured again and does not end the ramp', async () => {
  let stalls = 1;
  const measure: Measure<StepOutcome> = async (rate, purpose) => {
    if (rate === 750 && purpose === 'ramp' && stalls-- > 0) return { rate, meets: false };
    return { rate, meets: rate <= 1000 };
  };
  const search = await findKnee(measure, 1000, LIMITS);
  assert.deepEqual(
    search.steps.slice(0, 3).map((s) => [s.rate, s.purpose, s.meets]),
    [
      [500, 'ramp', true],
      [750, 'ramp', false],
      [750, 'confirm', true],
    ],
  );
  assert.equal(search.outcome, 'found');
  assert.ok(search.low! >= 950 && search.low! <= 1000);
});

test('an SLO knee far below saturation is found by halving, then bisecting', async () => {
  const search = await findKnee(capacityModel(70), 1000, LIMITS);
  assert.equal(search.outcome, 'found');
  assert.ok(search.steps.some((s) => s.purpose === 'descend'));
  assert.ok(search.low! <= 70 && search.high! > 70 && (search.high! - search.low!) / search.low! <= 0.05, `[${search.low}, ${search.high})`);
});

test('a knee outside the limits is reported as not found, with the bound that was measured', async () => {
  const above = await findKnee(capacityModel(10_000), 5000, LIMITS);
  assert.deepEqual([above.outcome, above.low, above.high], ['above-limit', 4000, null]);
  const below = await findKnee(capacityModel(2), 1000, LIMITS);
  assert.deepEqual([below.outcome, below.low, below.high], ['below-limit', null, 5]);
  assert.ok(below.steps.every((s) => !s.meets));
});
