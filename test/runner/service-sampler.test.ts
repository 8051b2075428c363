import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toServiceSeries } from '../../src/runner/service-sampler.ts';
import type { ServiceCounters } from '../../src/services/protocol.ts';

const counters = (arrivals: number, extra: Partial<ServiceCounters> = {}): ServiceCounters => ({
  arrivals,
  completed: arrivals,
  expired: 0,
  failed: 0,
  inFlight: 0,
  queueDepth: 0,
  poolInUse: 0,
  downstreamAttempts: 0,
  calls: {},
  ...extra,
});

test('cumulative samples become per-window deltas with the latest gauges', () => {
  const series = toServiceSeries([
    new Map([['users', counters(100)]]),
    new Map([['users', counters(180, { queueDepth: 4, inFlight: 9 })]]),
    new Map([['users', counters(400, { queueDepth: 30 })]]),
  ]);
  assert.equal(series.length, 1);
  assert.deepEqual(
    series[0]!.windows.map((w) => [w.t, w.arrivals, w.queueDepth]),
    [
      [0, 80, 4],
      [1, 220, 30],
    ],
  );
  assert.equal(series[0]!.windows[0]!.inFlight, 9);
});

test('a restarted replica (counters back near zero) is not read as negative traffic', () => {
  const series = toServiceSeries([new Map([['users', counters(500)]]), new Map([['users', counters(40)]])]);
  assert.equal(series[0]!.windows[0]!.arrivals, 40);
});

test('a killed replica missing from a sample does not make its service look reset', () => {
  // Replica #0 is killed after the first window, then restarted (its counters start again).
  const series = toServiceSeries([
    new Map([['users#0', counters(1000)], ['users#1', counters(1000)]]),
    new Map([['users#0', counters(1050)], ['users#1', counters(1050)]]),
    new Map([['users#1', counters(1150)]]),
    new Map([['users#0', counters(30)], ['users#1', counters(1200)]]),
  ]);
  assert.deepEqual(series[0]!.windows.map((w) => w.arrivals), [100, 100, 80]);
});
