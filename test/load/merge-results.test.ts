import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeLoadResults } from '../../src/load/merge-results.ts';
import type { LoadgenResult } from '../../src/load/types.ts';
import type { WindowPoint } from '../../src/result/types.ts';
import { decodeHistogram, encodeHistogram, newHistogram, recordMs, summarizeMs } from '../../src/stats/histogram.ts';

function hist(values: number[]): string {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  return encodeHistogram(h);
}

function window(t: number, values: number[]): WindowPoint {
  return {
    t,
    scheduled: values.length,
    sent: values.length,
    ok: values.length,
    errors: 0,
    timeouts: 0,
    dropped: 0,
    failures: {},
    p50: 0,
    p99: 0,
    max: 0,
    p50All: 0,
    p99All: 0,
    histogram: hist(values),
    histogramAll: hist(values),
  };
}

function generator(values: number[], status: Record<string, number>, rps: number): LoadgenResult {
  const half = Math.floor(values.length / 2);
  return {
    startedAt: '2026-12-01T10:00:00.000Z',
    measuredMs: 2000,
    requests: { scheduled: values.length, sent: values.length, ok: values.length, errors: 0, timeouts: 0, dropped: 0, byStatus: status },
    failures: status['503'] ? { 'upstream-5xx': status['503'] } : {},
    achievedRps: rps,
    histogram: hist(values),
    histogramAll: hist(values),
    sendLateness: hist(values.map(() => 0.01)),
    warmup: { ms: 2000, endedBy: 'fixed', windows: [] },
    windows: [window(0, values.slice(0, half)), window(1, values.slice(half))],
  };
}

describe('merging generator pods', () => {
  it('is exact: the merge of two generators equals one generator that saw every request', () => {
    const a = Array.from({ length: 100 }, (_, i) => i + 1);
    const b = Array.from({ length: 100 }, (_, i) => 101 + i);
    const merged = mergeLoadResults([generator(a, { '200': 100 }, 50), generator(b, { '200': 99, '503': 1 }, 50)], [1000, 1003]);
    const whole = summarizeMs(decodeHistogram(hist([...a, ...b])));
    const got = summarizeMs(decodeHistogram(merged.result.histogram));
    assert.deepEqual(got, whole);
    assert.equal(merged.result.requests.sent, 200);
    assert.deepEqual(merged.result.requests.byStatus, { '200': 199, '503': 1 });
    assert.equal(merged.result.achievedRps, 100, 'rates add');
    assert.equal(merged.result.measuredMs, 2000, 'the common measured span, not the sum');
    assert.equal(decodeHistogram(merged.result.sendLateness).totalCount, 200);
    assert.equal(merged.alignmentErrorMs, 3);
    assert.deepEqual(merged.result.failures, { 'upstream-5xx': 1 }, 'failures by reason add');
    assert.deepEqual(merged.result.warmup, { ms: 2000, endedBy: 'fixed', windows: [] }, 'one warmup, not a sum');
    // Window 1 holds each generator's second half; its percentiles come from the merged histogram.
    const w1 = merged.result.windows[1]!;
    assert.equal(w1.ok, 100);
    assert.deepEqual([w1.p50, w1.p99, w1.max], (({ p50, p99, max }) => [p50, p99, max])(summarizeMs(decodeHistogram(hist([...a.slice(50), ...b.slice(50)])))));
  });
});
