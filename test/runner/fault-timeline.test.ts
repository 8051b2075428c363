import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { FakeClock } from '../../src/core/clock.ts';
import { runFaultTimeline } from '../../src/runner/fault-timeline.ts';
import type { FaultSpec } from '../../src/scenario/types.ts';

const dbLock = (atMs: number, durationMs: number): FaultSpec => ({
  kind: 'db-lock',
  name: 'db-lock users',
  target: { kind: 'service', service: 'users', replica: null },
  atMs,
  durationMs,
});

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

test('faults start and stop at their offsets and the record says when and how', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const clock = new FakeClock();
    const events: string[] = [];
    const advance = async (ms: number) => {
      clock.advance(ms);
      mock.timers.tick(ms);
      await settle();
    };
    const tl = runFaultTimeline([dbLock(1000, 3000)], { arm: 'direct', repeat: 0 }, async (f) => {
      events.push(`start ${f.name}`);
      return { mechanism: 'test lock', stop: async () => void events.push(`stop ${f.name}`) };
    }, clock);
    await advance(999);
    assert.deepEqual(events, []);
    await advance(1);
    assert.deepEqual(events, ['start db-lock users']);
    await advance(3000);
    assert.deepEqual(events, ['start db-lock users', 'stop db-lock users']);
    const [record] = tl.records;
    assert.equal(record!.mechanism, 'test lock');
    assert.equal(record!.actualStartMs, 1000);
    assert.equal(record!.actualStopMs, 4000);
    assert.equal(record!.requestedStopMs, 4000);
    assert.equal(record!.error, null);
  } finally {
    mock.timers.reset();
  }
});

test('stopAll removes an active fault and cancels one not started yet', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const clock = new FakeClock();
    const stopped: string[] = [];
    const started: string[] = [];
    const tl = runFaultTimeline([dbLock(0, 10_000), { ...dbLock(5000, 1000), name: 'later' }], { arm: 'meshed', repeat: 1 }, async (f) => {
      started.push(f.name);
      return { mechanism: 'm', stop: async () => void stopped.push(f.name) };
    }, clock);
    mock.timers.tick(1);
    await settle();
    await tl.stopAll();
    mock.timers.tick(20_000);
    await settle();
    assert.deepEqual(started, ['db-lock users']);
    assert.deepEqual(stopped, ['db-lock users']);
    assert.equal(tl.records[1]!.actualStartMs, null);
  } finally {
    mock.timers.reset();
  }
});

test('a fault that cannot start is recorded with its error, not thrown into the run', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const tl = runFaultTimeline([dbLock(0, 100)], { arm: 'direct', repeat: 0 }, async () => {
      throw new Error('nft: permission denied');
    }, new FakeClock());
    mock.timers.tick(200);
    await settle();
    await tl.stopAll();
    assert.equal(tl.records[0]!.error, 'nft: permission denied');
    assert.equal(tl.records[0]!.actualStartMs, null);
  } finally {
    mock.timers.reset();
  }
});
