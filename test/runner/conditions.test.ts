// Conditions are on for the whole phase: started before the warmup, recorded relative to the
// measured part's t = 0 (so they start at a negative offset), stopped once however often the
// runner (or its teardown) asks, and a condition that cannot be applied is recorded, not lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../src/core/clock.ts';
import { startConditions } from '../../src/runner/conditions.ts';
import type { ConditionSpec } from '../../src/scenario/types.ts';

const jitter: ConditionSpec = { name: 'wan', kind: 'latency', target: { kind: 'link', from: 'frontend', to: 'users' }, attributes: { latency: 35, jitter: 10 }, toxicity: 1, stream: 'downstream' };
const steal: ConditionSpec = { name: 'steal', kind: 'cpu-steal', target: { kind: 'service', service: 'users', replica: 0 }, percent: 20, periodMs: 100 };

test('conditions start before the warmup, are recorded from the measured part\'s t = 0, and stop once', async () => {
  const clock = new FakeClock(1000);
  let stops = 0;
  const running = await startConditions([jitter, steal], { arm: 'meshed', repeat: 1 }, 20_000, async (c) => {
    if (c.kind === 'cpu-steal') throw new Error('no cgroup v2 here');
    return { mechanism: 'toxiproxy latency toxic 35±10 ms', stop: async () => void stops++ };
  }, clock);
  clock.advance(3000); // the warmup
  running.measureStarted();
  clock.advance(20_500);
  await Promise.all([running.stop(), running.stop()]);
  await running.stop();
  assert.equal(stops, 1, 'stopped once, however often asked');
  const [wan, cpu] = running.records;
  assert.deepEqual(wan, {
    name: 'wan',
    kind: 'latency',
    target: jitter.target,
    arm: 'meshed',
    repeat: 1,
    mechanism: 'toxiproxy latency toxic 35±10 ms',
    requestedStartMs: -3000,
    requestedStopMs: 20_000,
    actualStartMs: -3000,
    actualStopMs: 20_500,
    error: null,
  });
  assert.equal(cpu!.actualStartMs, null);
  assert.equal(cpu!.mechanism, 'not started');
  assert.equal(cpu!.error, 'no cgroup v2 here');
});
