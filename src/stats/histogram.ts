// Why: every latency distribution in meshbench is an HDR histogram, so tails are exact to 3
// significant digits, results can be merged across repeats and windows, and they can be stored
// encoded in the run result and re-analysed later. Values are recorded in microseconds.
import { inflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** 1 µs to 1 hour, 3 significant digits. */
export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
    useWebAssembly: false,
  });
}

/**
 * A small, fast histogram for figures needed *while* load runs (a window's live p99): 2
 * significant digits in plain 32-bit counters, so a percentile is one pass over a few thousand
 * counters (~0.1 ms), where summarizeMs of a packed 3-digit one took 6–44 ms here (the library's
 * mean iterates every value; each percentile walks the packed counts) — which, paid twice a
 * second in the generator, was its send-lateness floor (docs/benchmarks.md). Never stored: a
 * result's figures come from the 3-digit histograms once the load is over.
 */
export function newLiveHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: 2,
    autoResize: true,
    useWebAssembly: false,
  });
}

export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/**
 * Whether `encoded` has the structure decodeHistogram reads (base64, HDR's compressed V2
 * cookie and length, a zlib stream holding an encoded histogram) — without building one, which
 * costs ~10 ms each: a result's thousands of windows are checked in well under a second.
 */
export function isEncodedHistogram(encoded: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return false;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < 12 || (bytes.readInt32BE(0) & ~0xf0) !== 0x1c849304 || bytes.readInt32BE(4) !== bytes.length - 8) return false;
  try {
    const inner = inflateSync(bytes.subarray(8));
    return inner.length >= 4 && (inner.readInt32BE(0) & ~0xf0) === 0x1c849303;
  } catch {
    return false;
  }
}

export function decodeHistogram(encoded: string): Histogram {
  const h = hdr.decodeFromCompressedBase64(encoded, 'packed', false);
  // Decoded histograms do not auto-resize; merging into a fresh one keeps later adds safe.
  const out = newHistogram();
  out.add(h);
  return out;
}

export function mergeHistograms(hs: Iterable<Histogram>): Histogram {
  const out = newHistogram();
  for (const h of hs) out.add(h);
  return out;
}

export interface LatencySummaryMs {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Percentiles in milliseconds; all zero for an empty histogram. */
export function summarizeMs(h: Histogram): LatencySummaryMs {
  const count = h.totalCount;
  if (count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const at = (p: number) => h.getValueAtPercentile(p) / 1000;
  return {
    count,
    mean: h.mean / 1000,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: h.maxValue / 1000,
  };
}

export interface QuickSummaryMs {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * p50, p99 and max in milliseconds; all zero for an empty histogram. Cheaper than summarizeMs:
 * the library computes the mean by iterating every recorded value, which on a packed histogram
 * costs more than all the percentiles together.
 */
export function quickSummaryMs(h: Histogram): QuickSummaryMs {
  const count = h.totalCount;
  if (count === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  return { count, p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, max: h.maxValue / 1000 };
}

/** Percentile curve for an HDR plot: (percentile, ms) points, denser towards the tail. */
export function percentileCurveMs(h: Histogram): Array<{ percentile: number; ms: number }> {
  if (h.totalCount === 0) return [];
  const points: Array<{ percentile: number; ms: number }> = [];
  for (const nines of [0, 0.301, 0.5, 0.698, 1, 1.301, 1.5, 1.698, 2, 2.301, 2.5, 2.698, 3, 3.301, 3.5, 4, 4.5, 5]) {
    const percentile = 100 * (1 - Math.pow(10, -nines));
    points.push({ percentile, ms: h.getValueAtPercentile(percentile) / 1000 });
  }
  points.push({ percentile: 100, ms: h.maxValue / 1000 });
  return points;
}
