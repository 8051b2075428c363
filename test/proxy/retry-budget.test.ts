import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryBudget } from '../../proxy/src/retry/retry-budget.ts';
import { FakeClock } from '../../src/core/clock.ts';

const withdrawAll = (budget: RetryBudget, now: number): number => {
  let n = 0;
  while (budget.tryWithdraw(now)) n++;
  return n;
};

test('with no traffic the reserve allows exactly minRetriesPerSec × ttl retries', () => {
  const budget = new RetryBudget({ percentCanRetry: 0.2, minRetriesPerSec: 10, ttlMs: 10_000 });
  assert.equal(withdrawAll(budget, 0), 100);
});

test('requests add percentCanRetry of themselves on top of the reserve', () => {
  const clock = new FakeClock();
  const budget = new RetryBudget({ percentCanRetry: 0.2, minRetriesPerSec: 10, ttlMs: 10_000 });
  for (let i = 0; i < 1000; i++) {
    budget.deposit(clock.now());
    clock.advance(1);
  }
  assert.equal(withdrawAll(budget, clock.now()), 100 + 200);
});

test('without a reserve, exactly percent of the requests may retry', () => {
  const budget = new RetryBudget({ percentCanRetry: 0.2, minRetriesPerSec: 0, ttlMs: 10_000 });
  for (let i = 0; i < 50; i++) budget.deposit(0);
  assert.equal(withdrawAll(budget, 0), 10);
});

test('deposits and withdrawals expire after ttl, restoring the reserve', () => {
  const clock = new FakeClock();
  const budget = new RetryBudget({ percentCanRetry: 0.2, minRetriesPerSec: 1, ttlMs: 1000 });
  for (let i = 0; i < 100; i++) budget.deposit(clock.now());
  assert.equal(withdrawAll(budget, clock.now()), 1 + 20);
  clock.advance(500);
  assert.equal(withdrawAll(budget, clock.now()), 0);
  clock.advance(600);
  assert.equal(withdrawAll(budget, clock.now()), 1);
});

test('with percentCanRetry 0 only the reserve can be spent', () => {
  const budget = new RetryBudget({ percentCanRetry: 0, minRetriesPerSec: 2, ttlMs: 1000 });
  for (let i = 0; i < 100; i++) budget.deposit(0);
  assert.equal(withdrawAll(budget, 0), 2);
  const none = new RetryBudget({ percentCanRetry: 0, minRetriesPerSec: 0, ttlMs: 1000 });
  for (let i = 0; i < 100; i++) none.deposit(0);
  assert.equal(withdrawAll(none, 0), 0);
});
