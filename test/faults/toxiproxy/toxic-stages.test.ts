// The pure parts of the toxics: latency draws, slice sizes and bandwidth pacing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../../src/core/rng.ts';
import { abortableSleep, busyUntilAfter, latencyDelay, sliceSizes } from '../../../src/faults/toxiproxy/toxic-stages.ts';

test('latency draws are uniform within latency ± jitter and reproducible from the seed', () => {
  const rng = seededRng(3);
  const values = Array.from({ length: 5000 }, () => latencyDelay(rng, 50, 10));
  assert.ok(Math.min(...values) >= 40 && Math.max(...values) <= 60);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(mean - 50) < 0.5, `mean ${mean}`);
  assert.ok(values.filter((v) => v < 45).length > 1000, 'the low quarter is populated');
  const again = seededRng(3);
  assert.deepEqual(values.slice(0, 5), Array.from({ length: 5 }, () => latencyDelay(again, 50, 10)));
  assert.equal(latencyDelay(seededRng(1), 0, 0), 0);
  assert.ok(latencyDelay(seededRng(1), 2, 10) >= 0, 'never negative');
});

test('slices follow toxiproxy: pieces up to average + variation are whole, longer ones are halved ± variation', () => {
  const rng = seededRng(9);
  const sizes = sliceSizes(rng, 10_000, 100, 20);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 10_000);
  assert.ok(sizes.every((s) => s >= 1 && s <= 120), `sizes ${Math.min(...sizes)}–${Math.max(...sizes)}`);
  assert.ok(sizes.length >= 10_000 / 120 && sizes.length <= 10_000 / 40);
  assert.deepEqual(sliceSizes(rng, 7, 100, 20), [7]);
  assert.deepEqual(sliceSizes(rng, 120, 100, 20), [120], 'within average + variation: one piece');
  assert.deepEqual(sliceSizes(rng, 0, 100, 20), []);
  assert.deepEqual(sliceSizes(seededRng(1), 8, 2, 0), [2, 2, 2, 2], 'no variation: exact halves');
});

test('settings toxiproxy-server accepts but cannot slice with (variation ≥ average, average 0) still cover every byte', () => {
  for (const [average, variation] of [[10, 10], [10, 15], [1, 50], [0, 0], [-5, 0]] as const) {
    const sizes = sliceSizes(seededRng(4), 5_000, average, variation);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 5_000, `average ${average}, variation ${variation}`);
    assert.ok(sizes.every((s) => Number.isInteger(s) && s >= 1));
  }
});

test('bandwidth pacing: rate KB/s is rate bytes per ms, and idle time is not banked', () => {
  assert.equal(busyUntilAfter(0, 1000, 10_000, 100), 1100);
  assert.equal(busyUntilAfter(1100, 1050, 10_000, 100), 1200, 'queued behind the previous piece');
  assert.equal(busyUntilAfter(1100, 5000, 1_000, 100), 5010, 'an idle pipe starts now');
});

test('a sleep longer than a Node timer can wait (a 3e9 ms latency toxic) does not end at once', async () => {
  const controller = new AbortController();
  const sleeping = abortableSleep(3e9, controller.signal);
  setTimeout(() => controller.abort(), 30);
  assert.equal(await sleeping, false, 'still sleeping when aborted 30 ms later');
  assert.equal(await abortableSleep(5, new AbortController().signal), true);
});
