import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PeakEwma, PeakEwmaLoad } from '../../proxy/src/balance/peak-ewma.ts';
import { PendingLoad } from '../../proxy/src/balance/load.ts';
import { FakeClock } from '../../src/core/clock.ts';

test('a sample above the estimate replaces it at once', () => {
  const ewma = new PeakEwma(10_000, 30, 0);
  assert.equal(ewma.add(300, 1), 300);
});

test('a sample below the estimate blends in with weight exp(-elapsed/decay)', () => {
  const ewma = new PeakEwma(10_000, 100, 0);
  const w = Math.exp(-1);
  assert.ok(Math.abs(ewma.add(10, 10_000) - (100 * w + 10 * (1 - w))) < 1e-9);
});

test('an idle estimate decays towards zero over the decay time', () => {
  const ewma = new PeakEwma(10_000, 100, 0);
  assert.ok(Math.abs(ewma.value(10_000) - 100 * Math.exp(-1)) < 1e-9);
  assert.ok(Math.abs(ewma.value(20_000) - 100 * Math.exp(-2)) < 1e-9);
});

test('a shorter decay forgets faster', () => {
  const slow = new PeakEwma(10_000, 100, 0);
  const fast = new PeakEwma(1_000, 100, 0);
  assert.ok(fast.add(10, 500) < slow.add(10, 500));
});

test('peak-EWMA cost grows with requests in flight and learns the RTT when they end', () => {
  const clock = new FakeClock();
  const load = new PeakEwmaLoad(10_000, 30, clock.now());
  assert.equal(load.cost(clock.now()), 30);
  const end1 = load.start(clock.now());
  load.start(clock.now());
  assert.equal(load.cost(clock.now()), 90);
  clock.advance(200);
  end1(clock.now(), true);
  assert.equal(load.pending, 1);
  assert.ok(Math.abs(load.cost(clock.now()) - 400) < 1e-9);
});

test('a connection failure ends the request without teaching the EWMA a fake fast RTT', () => {
  const clock = new FakeClock();
  const load = new PeakEwmaLoad(10_000, 30, 0);
  const end = load.start(0);
  clock.advance(1);
  end(clock.now(), false);
  assert.ok(load.rttEstimate(clock.now()) > 29.99);
});

test('least-pending cost is the number in flight', () => {
  const load = new PendingLoad();
  const end = load.start();
  load.start();
  assert.equal(load.cost(), 2);
  end(0, true);
  end(0, true);
  assert.equal(load.cost(), 1);
});
