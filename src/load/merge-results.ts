// Why: a cluster's load comes from several generator pods, each with its share of the rate; the
// run must read as one generator's. Counts add, HDR histograms add exactly (no averaging of
// percentiles), and windows are aligned by their index from each generator's measure start —
// the generators start their measured parts at one agreed wall-clock instant, so the alignment
// error is the spread of their actual starts, which the merge reports.
import { decodeHistogram, encodeHistogram, mergeHistograms, summarizeMs } from '../stats/histogram.ts';
import type { WindowPoint } from '../result/types.ts';
import type { LoadgenResult } from './types.ts';

export interface MergedLoad {
  result: LoadgenResult;
  /** Largest difference between the generators' measure starts, ms (the window alignment error). */
  alignmentErrorMs: number;
  generators: number;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Adds like fields of the generators' results: numbers sum (keys missing in some count as 0),
 * encoded `…histogram`/`…Lateness` HDR fields merge, objects recurse; other values are the first's. */
function addFields<T>(items: T[]): T {
  const first = items[0];
  if (!isPlainObject(first)) return first as T;
  const keys = new Set(items.flatMap((i) => Object.keys(i as object)));
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const values = items.map((i) => (i as Record<string, unknown>)[key]).filter((v) => v !== undefined);
    const sample = values[0];
    if (typeof sample === 'number') out[key] = (values as number[]).reduce((a, b) => a + b, 0);
    else if (typeof sample === 'string' && /(histogram|lateness)$/i.test(key)) {
      // Live progress windows carry no histogram yet (encoded only at the end): '' stays ''.
      const encoded = (values as string[]).filter((v) => v !== '');
      out[key] = encoded.length === 0 ? '' : encodeHistogram(mergeHistograms(encoded.map(decodeHistogram)));
    }
    else if (isPlainObject(sample)) out[key] = addFields(values);
    else out[key] = sample;
  }
  return out as T;
}

/** One window as N generators saw it, as one generator would have. A live progress window has
 * no histogram yet; its percentiles are then the worst generator's (for the progress line only). */
export function mergeWindowPoints(points: WindowPoint[]): WindowPoint {
  const merged = addFields(points);
  if (merged.histogram === '') {
    const worst = (k: 'p50' | 'p99' | 'max' | 'p50All' | 'p99All') => {
      const values = points.flatMap((p) => (p[k] === null ? [] : [p[k]]));
      return values.length > 0 ? Math.max(...values) : null;
    };
    return { ...merged, t: points[0]!.t, p50: worst('p50'), p99: worst('p99'), max: worst('max'), p50All: worst('p50All'), p99All: worst('p99All') };
  }
  // Percentiles of the successful requests, and of all of them; null where there were none.
  const s = summarizeMs(decodeHistogram(merged.histogram));
  const all = merged.histogramAll ? summarizeMs(decodeHistogram(merged.histogramAll)) : s;
  const ok = s.count > 0;
  return {
    ...merged,
    t: points[0]!.t,
    p50: ok ? s.p50 : null,
    p99: ok ? s.p99 : null,
    max: ok ? s.max : null,
    p50All: all.count > 0 ? all.p50 : null,
    p99All: all.count > 0 ? all.p99 : null,
  };
}

function mergeWindows(perGenerator: WindowPoint[][]): WindowPoint[] {
  const byT = new Map<number, WindowPoint[]>();
  for (const windows of perGenerator) for (const w of windows) byT.set(w.t, [...(byT.get(w.t) ?? []), w]);
  return [...byT.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, ws]) => mergeWindowPoints(ws));
}

export function mergeLoadResults(results: LoadgenResult[], measureStartsMs: number[]): MergedLoad {
  if (results.length === 0) throw new Error('no generator results to merge');
  const startedAt = results.map((r) => r.startedAt).sort()[0]!;
  const measuredMs = Math.min(...results.map((r) => r.measuredMs));
  const summed = addFields(results.map(({ windows: _w, warmup: _u, ...rest }) => rest));
  // Several generators warm up for the fixed load.warmup (they must start measuring together):
  // their warmups are alike; the longest one is the run's.
  const warmup = results.reduce((w, r) => (r.warmup.ms > w.ms ? r.warmup : w), results[0]!.warmup);
  return {
    result: { ...summed, warmup, startedAt, measuredMs, windows: mergeWindows(results.map((r) => r.windows)) },
    alignmentErrorMs: measureStartsMs.length > 1 ? Math.max(...measureStartsMs) - Math.min(...measureStartsMs) : 0,
    generators: results.length,
  };
}
