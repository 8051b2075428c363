import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmupBoundaries, warmupDecision, type WarmupWindow } from '../../src/load/warmup-policy.ts';

const w = (t: number, p99: number | null, ok = 400): WarmupWindow => ({ t, sent: ok, ok, p99 });
const policy = { minMs: 2000, maxMs: 10_000, requests: 1000 };

test('boundaries: the minimum, then whole seconds up to the maximum; a fixed warmup has one', () => {
  assert.deepEqual(warmupBoundaries(policy), [2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
  assert.deepEqual(warmupBoundaries({ minMs: 500, maxMs: 500, requests: 0 }), [500]);
  assert.deepEqual(warmupBoundaries({ minMs: 1500, maxMs: 3200, requests: 0 }), [2000, 3000, 4000]);
});

test('two consecutive finished seconds whose p99 agree end the warmup; a cold first second does not', () => {
  assert.equal(warmupDecision(policy, 1000, [w(0, 14)]), null, 'never before the minimum');
  assert.equal(warmupDecision(policy, 3000, [w(0, 605), w(1, 14)]), null, 'a cold start second does not agree with the next');
  assert.equal(warmupDecision(policy, 4000, [w(0, 605), w(1, 14), w(2, 19)]), 'settled', '19 ≤ 1.5 × 14');
  assert.equal(warmupDecision(policy, 4000, [w(0, 605), w(1, 2), w(2, 3.9)]), 'settled', 'within 2 ms');
  assert.equal(warmupDecision(policy, 4000, [w(1, 14), w(2, 40)]), null);
  assert.equal(warmupDecision(policy, 4000, [w(1, 14), w(3, 14)]), null, 'seconds must be consecutive');
  assert.equal(warmupDecision(policy, 4000, [w(1, null, 0), w(2, null, 0)]), null, 'no successes, nothing settled');
});

test('sparse seconds cannot settle a p99: the request count decides, and warmupMax ends it regardless', () => {
  assert.equal(warmupDecision(policy, 5000, [w(1, 14, 50), w(2, 14, 50)]), null, '100 requests < 1000');
  assert.equal(warmupDecision(policy, 5000, [w(0, 30, 600), w(1, 14, 50), w(2, 14, 400)]), 'requests');
  assert.equal(warmupDecision(policy, 10_000, [w(8, 10), w(9, 40)]), 'max');
  assert.equal(warmupDecision({ minMs: 2000, maxMs: 2000, requests: 0 }, 2000, []), 'fixed');
});

test('seconds with failures are dense but unsettled, not "sparse": the request count does not end a failing warmup', () => {
  const failing = (t: number): WarmupWindow => ({ t, sent: 200, ok: 90, p99: 600 });
  assert.equal(warmupDecision(policy, 4000, [failing(0), failing(1), { t: 2, sent: 200, ok: 200, p99: 230 }]), null);
  assert.equal(warmupDecision(policy, 4000, [{ t: 1, sent: 200, ok: 0, p99: null }, { t: 2, sent: 200, ok: 0, p99: null }]), null);
});
