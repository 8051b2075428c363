// The recovery rule on its own: from which window after an incident latency (of successful
// requests) and success are back and stay back — and when it cannot be judged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recoveryAfter } from '../../src/analysis/recovery.ts';
import { windows } from '../fixtures/windows.ts';

const opts = { p99Factor: 1.5, minSuccessRate: 0.99, stableMs: 2000 };

test('recovery: the first window after the end from which latency and success stay normal', () => {
  // incident 2 s – 5 s; windows 5 and 6 still bad, from 7 on healthy
  const after = windows([[300, 0.6], [20, 0.95], [12, 1], [11, 1], [10, 1]], 5);
  assert.deepEqual(recoveryAfter(after, 5000, 10, opts), { status: 'recovered', afterS: 2, windowIndex: 2 });
});

test('a single good window is not recovery: it must stay good for the stable period', () => {
  const after = windows([[10, 1], [400, 0.2], [10, 1], [10, 1]], 2);
  assert.equal(recoveryAfter(after, 2000, 10, opts).status, 'recovered');
  assert.equal((recoveryAfter(after, 2000, 10, opts) as { afterS: number }).afterS, 2);
});

test('a metastable failure that never recovers is "not-recovered", not a number', () => {
  assert.deepEqual(recoveryAfter(windows([[900, 0.1], [900, 0.1], [900, 0.1]], 3), 3000, 10, opts), { status: 'not-recovered' });
});

test('a window where nothing succeeded is never healthy, however fast its failures were', () => {
  // A fast-failing arm: no successful request, so no success latency — not "0 ms, recovered".
  const after = windows([[null, 0], [null, 0], [null, 0]], 4);
  assert.deepEqual(recoveryAfter(after, 4000, 10, opts), { status: 'not-recovered' });
});

test('fewer windows after the end than the stable period: recovery cannot be judged', () => {
  assert.deepEqual(recoveryAfter(windows([[10, 1]], 9), 9000, 10, opts), { status: 'no-time' });
  assert.deepEqual(recoveryAfter([], 10_000, 10, opts), { status: 'no-time' });
});

test('recovered immediately when the incident leaves no trace', () => {
  assert.deepEqual(recoveryAfter(windows([[11, 1], [10, 1], [10, 1]], 2), 2000, 10, opts), { status: 'recovered', afterS: 0, windowIndex: 0 });
});
