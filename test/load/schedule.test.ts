import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrivalSchedule, scheduleRngs, type Arrival } from '../../src/load/schedule.ts';
import type { LoadSpec } from '../../src/scenario/types.ts';

function spec(overrides: Partial<LoadSpec> = {}): LoadSpec {
  return {
    rate: 100,
    arrival: 'constant',
    warmupS: 0,
    warmupMaxS: 0,
    warmupRequests: 1000,
    durationS: 10,
    ramp: null,
    maxInFlight: 100,
    timeoutMs: 1000,
    method: 'GET',
    path: '/',
    classes: [],
    generators: 1,
    ...overrides,
  };
}

const all = (load: LoadSpec, seed = 1): Arrival[] => [...arrivalSchedule(load, scheduleRngs(seed))];
const measured = (arrivals: Arrival[]) => arrivals.filter((a) => !a.warmup);

test('constant rate gives exactly rate × duration arrivals, evenly spaced from t = 0', () => {
  const arrivals = all(spec({ rate: 250, durationS: 4 }));
  assert.equal(arrivals.length, 1000);
  arrivals.forEach((a, i) => {
    assert.equal(a.index, i);
    assert.ok(Math.abs(a.atMs - i * 4) < 1e-9, `arrival ${i} at ${a.atMs}`);
  });
});

test('poisson arrivals have the mean rate and exponential gaps (coefficient of variation ≈ 1)', () => {
  const arrivals = all(spec({ arrival: 'poisson', rate: 500, durationS: 200 }), 42);
  const expected = 500 * 200;
  assert.ok(Math.abs(arrivals.length - expected) / expected < 0.02, `got ${arrivals.length} arrivals`);
  const gaps = arrivals.slice(1).map((a, i) => a.atMs - arrivals[i]!.atMs);
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
  assert.ok(Math.abs(mean - 2) < 0.05, `mean gap ${mean} ms`);
  assert.ok(Math.abs(sd / mean - 1) < 0.03, `coefficient of variation ${sd / mean}`);
  // Exponential: P(gap > mean) = 1/e.
  const above = gaps.filter((g) => g > mean).length / gaps.length;
  assert.ok(Math.abs(above - Math.exp(-1)) < 0.01, `share of gaps above the mean ${above}`);
  assert.ok(arrivals.every((a, i) => i === 0 || a.atMs >= arrivals[i - 1]!.atMs), 'arrivals are in time order');
});

test('the same seed reproduces the schedule, another seed changes it', () => {
  const load = spec({
    arrival: 'poisson',
    durationS: 5,
    classes: [
      { name: 'a', weight: 1, headers: {} },
      { name: 'b', weight: 1, headers: {} },
    ],
  });
  const sig = (arrivals: Arrival[]) => arrivals.map((a) => `${a.atMs}:${a.requestClass?.name}`).join(',');
  assert.equal(sig(all(load, 7)), sig(all(load, 7)));
  assert.notEqual(sig(all(load, 7)), sig(all(load, 8)));
});

test('changing the class mix does not move the arrival times', () => {
  const load = spec({ arrival: 'poisson', durationS: 5 });
  const times = (l: LoadSpec) => all(l, 3).map((a) => a.atMs);
  const mixed = { ...load, classes: [{ name: 'x', weight: 1, headers: {} }, { name: 'y', weight: 3, headers: {} }] };
  assert.deepEqual(times(mixed), times(load));
});

test('a linear ramp offers its integral: 0 → 100 rps over 10 s is 500 arrivals, then full rate', () => {
  const arrivals = all(spec({ rate: 100, durationS: 20, ramp: { fromRate: 0, overS: 10 } }));
  const inRamp = arrivals.filter((a) => a.atMs < 10_000);
  assert.equal(inRamp.length, 500);
  assert.equal(arrivals.length - inRamp.length, 1000);
  // Rate grows linearly: the first half of the ramp holds a quarter of its arrivals.
  assert.equal(inRamp.filter((a) => a.atMs < 5000).length, 125);
  // After the ramp, arrivals are 10 ms apart.
  const after = arrivals.filter((a) => a.atMs >= 10_000);
  assert.ok(after.slice(1).every((a, i) => Math.abs(a.atMs - after[i]!.atMs - 10) < 1e-6));
});

test('a ramp down and a poisson ramp offer their integral too', () => {
  assert.equal(all(spec({ rate: 50, durationS: 4, ramp: { fromRate: 150, overS: 4 } })).length, 400);
  const poisson = all(spec({ arrival: 'poisson', rate: 1000, durationS: 60, ramp: { fromRate: 0, overS: 60 } }), 9);
  assert.ok(Math.abs(poisson.length - 30_000) < 30_000 * 0.02, `got ${poisson.length}`);
  const firstHalf = poisson.filter((a) => a.atMs < 30_000).length;
  assert.ok(Math.abs(firstHalf / poisson.length - 0.25) < 0.02, `first half holds ${firstHalf}`);
});

test('warmup arrivals come first, are flagged, and run at the ramp start rate', () => {
  const arrivals = all(spec({ rate: 100, warmupS: 2, durationS: 3, ramp: { fromRate: 20, overS: 1 } }));
  const warm = arrivals.filter((a) => a.warmup);
  assert.equal(warm.length, 40);
  assert.ok(warm.every((a) => a.atMs < 2000));
  assert.ok(measured(arrivals).every((a) => a.atMs >= 2000));
  assert.equal(measured(arrivals)[0]!.atMs, 2000, 'the measured part starts with an arrival at its t = 0');
  assert.equal(measured(arrivals).length, 60 + 200);
  assert.deepEqual(
    arrivals.map((a) => a.index),
    arrivals.map((_, i) => i),
  );
});

test('request classes are mixed by weight', () => {
  const load = spec({
    rate: 1000,
    durationS: 30,
    classes: [
      { name: 'ordinary', weight: 9, headers: {} },
      { name: 'sensitive-norway', weight: 1, headers: { 'x-data-class': 'sensitive-norway' } },
    ],
  });
  const arrivals = all(load, 5);
  const sensitive = arrivals.filter((a) => a.requestClass?.name === 'sensitive-norway');
  assert.ok(Math.abs(sensitive.length / arrivals.length - 0.1) < 0.01, `share ${sensitive.length / arrivals.length}`);
  assert.deepEqual(sensitive[0]!.requestClass!.headers, { 'x-data-class': 'sensitive-norway' });
  assert.ok(arrivals.every((a) => a.requestClass !== null));
  assert.ok(all(spec()).every((a) => a.requestClass === null), 'no classes → no class');
});

test('class weights that add up to zero are rejected', () => {
  const load = spec({ classes: [{ name: 'a', weight: 0, headers: {} }] });
  assert.throws(() => all(load), { code: 'load.class-weights' });
});

test('the measured arrivals do not depend on how long the warmup lasted', () => {
  const load = spec({ arrival: 'poisson', rate: 300, warmupS: 1, warmupMaxS: 10, durationS: 3, classes: [{ name: 'a', weight: 1, headers: {} }, { name: 'b', weight: 1, headers: {} }] });
  const endingAt = (endMs: number) => ({ boundaries: [1000, 2000, 3000, 4000, 5000], endsAt: (b: number) => b === endMs });
  const measuredPart = (endMs: number) =>
    measured([...arrivalSchedule(load, scheduleRngs(4), endingAt(endMs))]).map((a) => `${(a.atMs - endMs).toFixed(6)}:${a.requestClass?.name}`);
  assert.deepEqual(measuredPart(2000), measuredPart(5000));
  const warm = [...arrivalSchedule(load, scheduleRngs(4), endingAt(5000))].filter((a) => a.warmup);
  assert.ok(warm.length > 1000 && warm.every((a) => a.atMs < 5000));
});
