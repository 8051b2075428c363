import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickP2c } from '../../proxy/src/balance/p2c.ts';
import { RoundRobin } from '../../proxy/src/balance/round-robin.ts';
import { seededRng } from '../../src/core/rng.ts';

test('P2C never picks the more loaded of two endpoints', () => {
  const rng = seededRng(1);
  const cost = new Map([
    ['a', 1],
    ['b', 5],
  ]);
  for (let i = 0; i < 100; i++) assert.equal(pickP2c(['a', 'b'], (x) => cost.get(x)!, rng), 'a');
});

test('P2C sends the most loaded of three endpoints nothing and the least loaded most', () => {
  const rng = seededRng(7);
  const cost: Record<string, number> = { fast: 1, mid: 2, slow: 10 };
  const counts: Record<string, number> = { fast: 0, mid: 0, slow: 0 };
  for (let i = 0; i < 3000; i++) counts[pickP2c(['fast', 'mid', 'slow'], (x) => cost[x]!, rng)!]!++;
  assert.equal(counts.slow, 0);
  // fast wins every pair it is in (2 of 3 pairs), mid wins the mid/slow pair.
  assert.ok(Math.abs(counts.fast! / 3000 - 2 / 3) < 0.05, JSON.stringify(counts));
});

test('P2C handles zero and one endpoint', () => {
  const rng = seededRng(1);
  assert.equal(pickP2c([], () => 0, rng), undefined);
  assert.equal(pickP2c(['only'], () => 0, rng), 'only');
});

test('round-robin cycles regardless of load', () => {
  const rr = new RoundRobin();
  assert.deepEqual([1, 2, 3, 4].map(() => rr.pick(['a', 'b', 'c'])), ['a', 'b', 'c', 'a']);
});
