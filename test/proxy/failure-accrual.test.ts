import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureAccrual } from '../../proxy/src/breaker/failure-accrual.ts';
import { FakeClock } from '../../src/core/clock.ts';
import { seededRng } from '../../src/core/rng.ts';
import type { BreakerConfig } from '../../src/scenario/types.ts';

const config = (jitter = 0): BreakerConfig => ({ enabled: true, consecutiveFailures: 3, backoff: { minMs: 100, maxMs: 400, jitter } });

function fail(b: FailureAccrual, clock: FakeClock): boolean {
  return b.failure(b.begin(clock.now()), clock.now());
}

test('opens after N consecutive failures, not before', () => {
  const clock = new FakeClock();
  const b = new FailureAccrual(config(), seededRng(1));
  assert.equal(fail(b, clock), false);
  assert.equal(fail(b, clock), false);
  assert.equal(b.available(clock.now()), true);
  assert.equal(fail(b, clock), true);
  assert.equal(b.state, 'open');
  assert.equal(b.available(clock.now()), false);
});

test('a success resets the consecutive count', () => {
  const clock = new FakeClock();
  const b = new FailureAccrual(config(), seededRng(1));
  fail(b, clock);
  fail(b, clock);
  b.success(b.begin(clock.now()));
  fail(b, clock);
  fail(b, clock);
  assert.equal(b.state, 'closed');
});

test('half-opens after its backoff with one probe; a successful probe closes it', () => {
  const clock = new FakeClock();
  const b = new FailureAccrual(config(), seededRng(1));
  for (let i = 0; i < 3; i++) fail(b, clock);
  clock.advance(99);
  assert.equal(b.available(clock.now()), false);
  clock.advance(1);
  assert.equal(b.available(clock.now()), true);
  const probe = b.begin(clock.now());
  assert.equal(b.state, 'half-open');
  assert.equal(b.available(clock.now()), false, 'only one probe at a time');
  b.success(probe);
  assert.equal(b.state, 'closed');
  assert.equal(b.available(clock.now()), true);
});

test('a failed probe ejects again for exponentially longer, capped at max', () => {
  const clock = new FakeClock();
  const b = new FailureAccrual(config(), seededRng(1));
  for (let i = 0; i < 3; i++) fail(b, clock);
  const waits: number[] = [];
  for (let round = 0; round < 4; round++) {
    const start = clock.now();
    while (!b.available(clock.now())) clock.advance(1);
    waits.push(clock.now() - start);
    fail(b, clock);
  }
  assert.deepEqual(waits, [100, 200, 400, 400]);
});

test('jitter shortens the backoff by at most its fraction', () => {
  for (let seed = 0; seed < 20; seed++) {
    const clock = new FakeClock();
    const b = new FailureAccrual(config(0.5), seededRng(seed));
    for (let i = 0; i < 3; i++) fail(b, clock);
    assert.ok(b.probeAt >= 50 && b.probeAt <= 100, String(b.probeAt));
  }
});

test('late results of requests sent before the ejection do not revive the endpoint', () => {
  const clock = new FakeClock();
  const b = new FailureAccrual(config(), seededRng(1));
  const early = b.begin(clock.now());
  for (let i = 0; i < 3; i++) fail(b, clock);
  b.success(early);
  assert.equal(b.state, 'open');
});
