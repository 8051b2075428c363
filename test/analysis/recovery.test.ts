import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baselineP99, recoveredAfterS } from '../../src/analysis/recovery.ts';
import type { WindowPoint } from '../../src/result/types.ts';

const opts = { p99Factor: 1.5, minSuccessRate: 0.99, stableMs: 2000 };

/** Windows from (p99, ok-share) pairs, 100 scheduled per second. */
function windows(spec: Array<[number, number]>): WindowPoint[] {
  return spec.map(([p99, okShare], t) => ({ t, scheduled: 100, sent: 100, ok: Math.round(okShare * 100), errors: 100 - Math.round(okShare * 100), timeouts: 0, dropped: 0, p50: p99 / 2, p99, max: p99, histogram: '' }));
}

test('baseline p99 is the median windowed p99 before the first fault', () => {
  const w = windows([[10, 1], [12, 1], [11, 1], [500, 0.2]]);
  assert.equal(baselineP99(w, 3000), 11);
  assert.equal(baselineP99(w, 500), null, 'no complete window before the fault');
});

test('recovery: the first window after the fault from which latency and success stay normal', () => {
  // fault 2 s – 5 s; windows 5 and 6 still bad, from 7 on healthy
  const w = windows([[10, 1], [10, 1], [400, 0.5], [400, 0.3], [400, 0.2], [300, 0.6], [20, 0.95], [12, 1], [11, 1], [10, 1]]);
  assert.equal(recoveredAfterS(w, { requestedStopMs: 5000 }, 10, opts), 2);
});

test('a single good window is not recovery: it must stay good for the stable period', () => {
  const w = windows([[10, 1], [400, 0.2], [10, 1], [400, 0.2], [10, 1], [10, 1]]);
  assert.equal(recoveredAfterS(w, { requestedStopMs: 2000 }, 10, opts), 2);
});

test('a metastable failure that never recovers within the run is null, not a number', () => {
  const w = windows([[10, 1], [10, 1], [400, 0.2], [900, 0.1], [900, 0.1], [900, 0.1], [900, 0.1]]);
  assert.equal(recoveredAfterS(w, { requestedStopMs: 3000 }, 10, opts), null);
});

test('recovered immediately when the fault leaves no trace', () => {
  const w = windows([[10, 1], [10, 1], [11, 1], [10, 1], [10, 1]]);
  assert.equal(recoveredAfterS(w, { requestedStopMs: 2000 }, 10, opts), 0);
});

test('the verdict states p99 and failures during the fault, from the windows inside it', async () => {
  const { duringFault } = await import('../../src/analysis/analyze.ts');
  const { encodeHistogram, newHistogram, recordMs } = await import('../../src/stats/histogram.ts');
  const hist = (ms: number) => {
    const h = newHistogram();
    for (let i = 0; i < 100; i++) recordMs(h, ms);
    return encodeHistogram(h);
  };
  const ws = windows([[10, 1], [50, 0.9], [50, 0.9], [10, 1]]).map((w, t) => ({ ...w, histogram: hist(t === 1 || t === 2 ? 50 : 10) }));
  const arm = { repeats: [{ windows: ws }] } as unknown as Parameters<typeof duringFault>[0];
  const d = duringFault(arm, { atMs: 1000, durationMs: 2000 })!;
  assert.ok(Math.abs(d.p99 - 50) < 0.1, `p99 ${d.p99}`);
  assert.ok(Math.abs(d.errorRate - 0.1) < 1e-9, `error rate ${d.errorRate}`);
  assert.equal(duringFault(arm, { atMs: 1500, durationMs: 500 }), null, 'no whole window inside the fault');
});
