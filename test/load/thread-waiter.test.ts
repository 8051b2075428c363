import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../src/core/clock.ts';
import { threadWaiter } from '../../src/load/thread-waiter.ts';

const waiter = threadWaiter();
after(() => waiter.close());
const never = new AbortController().signal;

test('never resolves before the due time, whether it sleeps in the thread first or only polls', async () => {
  for (const aheadMs of [0.05, 0.3, 1, 2.5, 12, 40]) {
    const until = realClock.now() + aheadMs;
    await waiter.wait(until, never);
    assert.ok(realClock.now() >= until, `woke early for a ${aheadMs} ms wait`);
  }
});

test('an abort ends a long wait at once, so stop is prompt', async () => {
  const controller = new AbortController();
  const started = realClock.now();
  const waiting = waiter.wait(started + 60_000, controller.signal);
  setTimeout(() => controller.abort(), 20);
  await waiting;
  assert.ok(realClock.now() - started < 5_000, 'the wait ended long before its due time');
});

test('the wake-up of an aborted wait does not end the next wait early', async () => {
  const controller = new AbortController();
  const first = waiter.wait(realClock.now() + 10, controller.signal);
  controller.abort();
  await first;
  // The thread was already sleeping towards the first due time; its wake-up at +10 ms is stale.
  const until = realClock.now() + 30;
  await waiter.wait(until, never);
  assert.ok(realClock.now() >= until, 'the stale wake-up ended the next wait early');
});

test('lets I/O and timers run while waiting, without keeping a core busy', async () => {
  let timerRan = false;
  setTimeout(() => (timerRan = true), 5);
  const cpu = process.cpuUsage();
  await waiter.wait(realClock.now() + 300, never);
  const used = process.cpuUsage(cpu);
  assert.ok(timerRan, 'a 5 ms timer fired during a 300 ms wait');
  // Polling until the due time would burn ~300 ms of CPU here; the thread sleeps in the kernel.
  const cpuMs = (used.user + used.system) / 1000;
  assert.ok(cpuMs < 60, `a 300 ms wait used ${cpuMs.toFixed(0)} ms of CPU`);
});

test('an idle waiter does not keep the process alive; a waiting one does', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = `
    import { threadWaiter } from './src/load/thread-waiter.ts';
    const w = threadWaiter();
    await w.wait(performance.now() + 200, new AbortController().signal);
    process.stdout.write('waited');
  `;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(out.stdout, 'waited', out.stderr);
  assert.equal(out.status, 0, 'the process exits by itself once nothing is waiting');
});
