import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DbPool } from '../../src/services/db-pool.ts';

/** A sleep whose timers fire only when the test says so. */
function manualSleep() {
  const pending: Array<{ ms: number; resolve: () => void }> = [];
  return {
    sleep: (ms: number) => new Promise<void>((resolve) => pending.push({ ms, resolve })),
    fireAll: async () => {
      for (const p of pending.splice(0)) p.resolve();
      await new Promise((r) => setImmediate(r));
    },
    pending,
  };
}

const flush = () => new Promise((r) => setImmediate(r));

test('at most `size` queries hold a connection; the rest queue in arrival order', async () => {
  const clock = manualSleep();
  const pool = new DbPool(2, clock.sleep);
  const order: number[] = [];
  const run = async (i: number) => {
    const release = await pool.acquire();
    order.push(i);
    await pool.query(10, release);
  };
  const all = [1, 2, 3, 4, 5].map(run);
  await flush();
  assert.deepEqual(pool.counters(), { inUse: 2, queueDepth: 3 });
  assert.deepEqual(order, [1, 2]);
  await clock.fireAll();
  await flush();
  assert.deepEqual(order, [1, 2, 3, 4]);
  assert.deepEqual(pool.counters(), { inUse: 2, queueDepth: 1 });
  await clock.fireAll();
  await clock.fireAll();
  await Promise.all(all);
  assert.deepEqual(order, [1, 2, 3, 4, 5]);
  assert.deepEqual(pool.counters(), { inUse: 0, queueDepth: 0 });
});

test('a table lock holds queries on their connections until it lifts, so the queue grows', async () => {
  const clock = manualSleep();
  const pool = new DbPool(2, clock.sleep);
  pool.lock(3000);
  assert.equal(clock.pending.length, 1, 'the lock waits for its own duration');
  const done: number[] = [];
  const all = [1, 2, 3, 4].map(async (i) => {
    const release = await pool.acquire();
    await pool.query(10, release);
    done.push(i);
  });
  await flush();
  assert.equal(pool.locked(), true);
  assert.deepEqual(pool.counters(), { inUse: 2, queueDepth: 2 });
  assert.equal(clock.pending.length, 1, 'no query started its service time while locked');
  await clock.fireAll(); // the lock lifts
  await flush();
  assert.equal(pool.locked(), false);
  assert.equal(clock.pending.length, 2, 'the two queries holding connections now run');
  await clock.fireAll();
  await flush();
  await clock.fireAll();
  await Promise.all(all);
  assert.deepEqual(done, [1, 2, 3, 4]);
});

test('overlapping locks keep the table locked until the last one lifts', async () => {
  const clock = manualSleep();
  const pool = new DbPool(1, clock.sleep);
  pool.lock(1000);
  pool.lock(2000);
  clock.pending.shift()!.resolve();
  await flush();
  assert.equal(pool.locked(), true);
  clock.pending.shift()!.resolve();
  await flush();
  assert.equal(pool.locked(), false);
});
