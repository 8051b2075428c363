// Why: the bootstrap sees the noise inside one run (repeats, requests), not how much whole runs
// differ: on a shared machine one run's p99 can be twice another's with both intervals narrow.
// A baseline that keeps several runs measures that: judged against each kept run in turn, a gate's
// statistic varies as much as runs do. If the candidate is one more run like them, its statistic
// lies within mean ± t(K−1) · sd · √(1 + 1/K) with the stated confidence (a Student-t prediction
// interval over K runs). A shift inside that band is not a regression; one well beyond it is.
// The caller picks the scale on which runs differ additively (logs for ratios). Pure.
import type { Interval } from './statistics.ts';

/** Two-sided P(|T| < t) for Student's t with integer `df` (Abramowitz & Stegun 26.7.3–4). */
export function studentTCentralProbability(t: number, df: number): number {
  if (t <= 0) return 0;
  const theta = Math.atan(t / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  if (df % 2 === 1) {
    let term = Math.cos(theta);
    let sum = df > 1 ? term : 0;
    for (let k = 3; k <= df - 2; k += 2) {
      term *= ((k - 1) / k) * c2;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 2; k += 2) {
    term *= ((k - 1) / k) * c2;
    sum += term;
  }
  return s * sum;
}

/** t such that P(|T| < t) = confidence, for integer df ≥ 1 (bisection; exact to ~1e-9). */
export function studentTQuantile(confidence: number, df: number): number {
  let lo = 0;
  let hi = 1e7;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * Math.max(1, lo); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCentralProbability(mid, df) < confidence) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface BetweenRuns {
  runs: number;
  mean: number;
  sd: number;
  /** Where a candidate like the baseline runs would lie, with the given confidence. */
  interval: Interval;
}

/**
 * The prediction band of `values` (one per baseline run, the gate's statistic judged against that
 * run); null with fewer than two runs, where between-run noise cannot be estimated.
 */
export function betweenRunBand(values: readonly number[], confidence: number): BetweenRuns | null {
  const k = values.length;
  if (k < 2 || values.some((v) => !Number.isFinite(v))) return null;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (k - 1));
  const half = studentTQuantile(confidence, k - 1) * sd * Math.sqrt(1 + 1 / k);
  return { runs: k, mean, sd, interval: { lo: mean - half, hi: mean + half } };
}

/** The smallest interval holding both: the gate is as uncertain as the larger of its two noises. */
export function hull(a: Interval, b: Interval): Interval {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}
