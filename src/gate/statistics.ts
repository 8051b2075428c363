// Why: a CI gate that fails on noise gets deleted within a week. So a gate is judged on a
// confidence interval, not on one number: it FAILS only when the whole interval is past the
// threshold, PASSES only when the whole interval is on the right side, and is INCONCLUSIVE
// otherwise. The interval comes from a seeded (deterministic) two-stage bootstrap:
//
// 1. Resample the repeats with replacement. Repeats run at different moments on a shared machine,
//    so they drift by a few percent; only resampling whole repeats carries that drift into the
//    interval. Arms of one run alternate A B A B, so repeat i of each arm shares its moment: one
//    draw of repeat indices is used for every arm of a run (a paired bootstrap), which cancels
//    drift common to both arms in `meshed.p99 / direct.p99`. A baseline is another run and is
//    resampled independently.
// 2. Resample the requests inside the chosen repeats. For a percentile this needs no loop over
//    requests: the k-th smallest of n values drawn from an empirical distribution F is
//    F⁻¹(U₍ₖ₎), where U₍ₖ₎ ~ Beta(k, n+1−k) is the k-th smallest of n uniforms. So one Beta draw
//    and one binary search over the merged HDR buckets' cumulative counts give the exact
//    bootstrap distribution of the resampled percentile — O(log buckets) per draw instead of
//    O(requests). Means use the CLT (normal with sd/√n), rates a binomial draw of the counts.
//
// Resampling at both levels counts the sampling noise of a repeat twice (once through the spread
// between repeats, once inside), so intervals are somewhat conservative — the side a gate should
// err on. The interval is the percentile interval of the bootstrap distribution of whatever the
// gate judges: a metric, a ratio or difference between arms, or a change against a baseline.
import { InternalError } from '../core/errors.ts';
import { standardNormal, type Rng } from '../core/rng.ts';
import type { ArmName } from '../scenario/types.ts';
import type { CompareOp, Metric, MetricRef, Source } from './grammar.ts';
import { mergeRepeats, valueAtFraction, type ArmSample, type MergedSample } from './arm-samples.ts';

export type GateStatus = 'pass' | 'fail' | 'inconclusive';

export interface Interval {
  lo: number;
  hi: number;
}

const QUANTILE: Partial<Record<Metric, number>> = { p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999, max: 1 };

/** Gamma(shape, 1) by Marsaglia–Tsang; shapes below 1 through the U^(1/a) boost. */
export function drawGamma(rng: Rng, shape: number): number {
  if (shape < 1) return drawGamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(rng);
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function drawBeta(rng: Rng, a: number, b: number): number {
  const x = drawGamma(rng, a);
  const y = drawGamma(rng, b);
  return x / (x + y);
}

/** Binomial(n, p): exact for small n, Poisson for rare events, normal otherwise. */
export function drawBinomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n <= 64) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng.next() < p) k++;
    return k;
  }
  if (n * p * (1 - p) >= 9) {
    const k = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * standardNormal(rng));
    return Math.min(n, Math.max(0, k));
  }
  if (p > 0.5) return n - drawBinomial(rng, n, 1 - p);
  // Rare: Poisson(np) by inversion (np < 18 here).
  const limit = Math.exp(-n * p);
  let k = 0;
  let prod = 1 - rng.next();
  while (prod > limit) {
    k++;
    prod *= 1 - rng.next();
  }
  return Math.min(n, k);
}

/** The metric on the merged sample as measured (time metrics in ms). */
export function metricValue(m: MergedSample, metric: Metric): number {
  const q = QUANTILE[metric];
  if (q !== undefined) return valueAtFraction(m, q) / 1000;
  switch (metric) {
    case 'mean':
      return m.meanUs / 1000;
    case 'errorRate':
      return m.requests.scheduled === 0 ? 0 : (m.requests.scheduled - m.requests.ok) / m.requests.scheduled;
    case 'timeoutRate':
      return m.requests.scheduled === 0 ? 0 : m.requests.timeouts / m.requests.scheduled;
    case 'achievedRps':
      return m.achievedRps;
    case 'amplification':
      return m.amplificationPeak ?? NaN;
    case 'recoveryS':
      return m.recoveryS === null ? NaN : m.recoveryS * 1000;
    default:
      return NaN;
  }
}

/** The metric on a resample of the merged sample's requests (stage 2 of the bootstrap). */
export function resampledMetric(m: MergedSample, metric: Metric, rng: Rng): number {
  const q = QUANTILE[metric];
  if (q !== undefined) {
    const n = m.total;
    if (n === 0) return 0;
    const k = Math.min(n, Math.max(1, Math.ceil(q * n - q * n * Number.EPSILON)));
    return valueAtFraction(m, drawBeta(rng, k, n + 1 - k)) / 1000;
  }
  const n = m.requests.scheduled;
  switch (metric) {
    case 'mean':
      return m.total === 0 ? 0 : (m.meanUs + (m.sdUs / Math.sqrt(m.total)) * standardNormal(rng)) / 1000;
    case 'errorRate':
      return n === 0 ? 0 : drawBinomial(rng, n, (n - m.requests.ok) / n) / n;
    case 'timeoutRate':
      return n === 0 ? 0 : drawBinomial(rng, n, m.requests.timeouts / n) / n;
    default:
      // Throughput, peak amplification and recovery are one figure per repeat: stage 1 only.
      return metricValue(m, metric);
  }
}

/** Indices of `n` repeats drawn with replacement, sorted (so equal multisets share a key). */
function drawRepeats(rng: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.floor(rng.next() * n));
  return out.sort((a, b) => a - b);
}

export type Samples = ReadonlyMap<Source, ReadonlyMap<ArmName, ArmSample>>;

export interface BootstrapOptions {
  confidence: number;
  iterations: number;
  rng: Rng;
}

export interface BootstrapOutcome {
  /** The statistic on all the data as measured. */
  point: number;
  /** null when the statistic is undefined (e.g. divides by zero) in too many resamples. */
  interval: Interval | null;
}

/**
 * Bootstraps `statistic`, a function of metric values, over the samples it reads. Within one
 * iteration a metric of an arm is drawn once, so `meshed.p99 / meshed.p99` is exactly 1.
 */
/** The statistic on all the data as measured (no resampling). */
export function pointStatistic(samples: Samples, statistic: (value: (ref: MetricRef) => number) => number): number {
  const merged = new Map<string, MergedSample>();
  return statistic((ref) => {
    const key = `${ref.source}/${ref.arm}`;
    let m = merged.get(key);
    if (!m) {
      const s = sampleOf(samples, ref.source, ref.arm);
      m = mergeRepeats(s, s.repeats.map((_, i) => i));
      merged.set(key, m);
    }
    return metricValue(m, ref.metric);
  });
}

export function bootstrap(samples: Samples, statistic: (value: (ref: MetricRef) => number) => number, opts: BootstrapOptions): BootstrapOutcome {
  const cache = new Map<string, MergedSample>();
  const merged = (source: Source, arm: ArmName, indices: readonly number[]): MergedSample => {
    const key = `${source}/${arm}/${indices.join(',')}`;
    let m = cache.get(key);
    if (!m) {
      m = mergeRepeats(sampleOf(samples, source, arm), indices);
      cache.set(key, m);
    }
    return m;
  };
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const point = statistic((ref) => metricValue(merged(ref.source, ref.arm, all(sampleOf(samples, ref.source, ref.arm).repeats.length)), ref.metric));

  const draws: number[] = [];
  let undefinedDraws = 0;
  for (let b = 0; b < opts.iterations; b++) {
    // Stage 1, paired within a run: one draw of indices per (source, repeat count).
    const picks = new Map<string, number[]>();
    const pick = (source: Source, arm: ArmName): number[] => {
      const n = sampleOf(samples, source, arm).repeats.length;
      const key = `${source}/${n}`;
      let p = picks.get(key);
      if (!p) {
        p = drawRepeats(opts.rng, n);
        picks.set(key, p);
      }
      return p;
    };
    const memo = new Map<string, number>();
    const value = (ref: MetricRef): number => {
      const key = `${ref.source}/${ref.arm}/${ref.metric}`;
      let v = memo.get(key);
      if (v === undefined) {
        v = resampledMetric(merged(ref.source, ref.arm, pick(ref.source, ref.arm)), ref.metric, opts.rng);
        memo.set(key, v);
      }
      return v;
    };
    const s = statistic(value);
    if (Number.isNaN(s)) undefinedDraws++;
    else draws.push(s);
  }
  if (Number.isNaN(point) || undefinedDraws > (1 - opts.confidence) * opts.iterations) return { point, interval: null };
  return { point, interval: percentileInterval(draws, opts.confidence) };
}

function sampleOf(samples: Samples, source: Source, arm: ArmName): ArmSample {
  const s = samples.get(source)?.get(arm);
  if (!s) throw new InternalError(`gate statistics: no sample for ${source} ${arm}`);
  return s;
}

/** Two-sided percentile interval at `confidence`, nearest rank (safe with ±Infinity). */
export function percentileInterval(draws: readonly number[], confidence: number): Interval {
  const sorted = [...draws].sort((a, b) => a - b);
  const last = sorted.length - 1;
  const alpha = 1 - confidence;
  return {
    // The 1e-9 keeps float noise (1 − 0.9 = 0.0999…) from moving a rank by one.
    lo: sorted[Math.max(0, Math.floor((alpha / 2) * last + 1e-9))]!,
    hi: sorted[Math.min(last, Math.ceil((1 - alpha / 2) * last - 1e-9))]!,
  };
}

/** Pass when the whole interval satisfies the comparison, fail when none of it does. */
export function decide(interval: Interval, op: CompareOp, threshold: number): GateStatus {
  const holds = (x: number) => (op === '<' ? x < threshold : op === '<=' ? x <= threshold : op === '>' ? x > threshold : x >= threshold);
  const loOk = holds(interval.lo);
  const hiOk = holds(interval.hi);
  if (loOk && hiOk) return 'pass';
  if (!loOk && !hiOk) return 'fail';
  return 'inconclusive';
}
