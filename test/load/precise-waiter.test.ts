import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../src/core/clock.ts';
import { preciseWaiter } from '../../src/load/precise-waiter.ts';

test('never resolves before the due time, whether it sleeps first or only polls', async () => {
  const wait = preciseWaiter();
  const signal = new AbortController().signal;
  for (const aheadMs of [0.3, 1, 2.5, 12, 40]) {
    const until = realClock.now() + aheadMs;
    await wait(until, signal);
    assert.ok(realClock.now() >= until, `woke early for a ${aheadMs} ms wait`);
  }
});

test('an abort ends a long wait at once, so stop is prompt', async () => {
  const wait = preciseWaiter();
  const controller = new AbortController();
  const started = realClock.now();
  const waiting = wait(started + 60_000, controller.signal);
  setTimeout(() => controller.abort(), 20);
  await waiting;
  assert.ok(realClock.now() - started < 5_000, 'the wait ended long before its due time');
});

test('lets I/O and timers run while polling', async () => {
  const wait = preciseWaiter(realClock, 50);
  let timerRan = false;
  setTimeout(() => (timerRan = true), 5);
  await wait(realClock.now() + 40, new AbortController().signal);
  assert.ok(timerRan, 'a 5 ms timer fired during a 40 ms polled wait');
});
