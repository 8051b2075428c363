// Why: the bootstrap resamples repeats and then requests inside them, so it needs each repeat of
// an arm as plain numbers: the HDR histogram as sorted (value, count) buckets and the request
// counts. This module turns the run result into that shape once, and merges any multiset of
// repeats into one sample on demand (a resample of repeats is just a multiset of their indices).
import { badInput, InternalError } from '../core/errors.ts';
import type { Histogram } from '../stats/histogram.ts';
import { repeatAmplificationPeak } from '../analysis/amplification.ts';
import type { ArmName } from '../scenario/types.ts';
import type { ArmResult, RequestCounts, RunResult } from '../result/types.ts';
import * as hdr from 'hdr-histogram-js';

/** One histogram as parallel arrays, ascending by value. Values in µs. */
export interface Buckets {
  /** What HDR reports for a percentile landing in the bucket (its highest equivalent value). */
  values: Float64Array;
  /** The bucket's middle, which HDR uses for the mean. */
  mids: Float64Array;
  counts: Float64Array;
}

export interface RepeatSample {
  buckets: Buckets;
  requests: RequestCounts;
  achievedRps: number;
  measuredS: number;
  /** Peak retry amplification in this repeat; null when no service counters were recorded. */
  amplificationPeak: number | null;
  /** null when no fault was followed by a recovery measurement in this repeat; `judged` false when
   * some incident's recovery could not be judged (no time after it, or no steady second before). */
  recovery: { recovered: boolean; worstS: number; judged: boolean } | null;
}

export interface ArmSample {
  arm: ArmName;
  repeats: RepeatSample[];
}

/** A multiset of an arm's repeats merged into one sample. */
export interface MergedSample {
  values: Float64Array;
  /** Cumulative counts, same order as values. */
  cumulative: Float64Array;
  total: number;
  meanUs: number;
  sdUs: number;
  requests: { scheduled: number; sent: number; ok: number; timeouts: number };
  achievedRps: number;
  amplificationPeak: number | null;
  /** Mean over the repeats of each repeat's worst recovery (s); Infinity if one never recovered. */
  recoveryS: number | null;
}

export function toBuckets(h: Histogram): Buckets {
  if (!(h instanceof hdr.JsHistogram)) throw new InternalError('gate statistics need a JS HDR histogram');
  const values: number[] = [];
  const mids: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < h.countsArrayLength; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    const v = h.valueFromIndex(i);
    values.push(h.highestEquivalentValue(v));
    mids.push(h.medianEquivalentValue(v));
    counts.push(c);
  }
  return { values: Float64Array.from(values), mids: Float64Array.from(mids), counts: Float64Array.from(counts) };
}

/**
 * Decoded into flat 64-bit counts rather than through decodeHistogram's packed, resizable copy:
 * the gate only reads the buckets, and this is about twenty times faster, which matters when a
 * test gates hundreds of results.
 */
function decode(encoded: string, where: string): Histogram {
  try {
    return hdr.decodeFromCompressedBase64(encoded, 64, false);
  } catch (err) {
    throw badInput('result-histogram', `${where}: histogram cannot be decoded (${(err as Error).message})`, 'the result file is damaged; re-run the scenario');
  }
}

function repeatRecovery(arm: ArmResult, index: number): RepeatSample['recovery'] {
  const records = arm.recovery.filter((r) => r.repeat === index);
  if (records.length === 0) return null;
  const judged = records.every((r) => r.status === 'recovered' || r.status === 'not-recovered');
  const worst = Math.max(...records.map((r) => r.recoveredAfterS ?? Infinity));
  return { recovered: Number.isFinite(worst), worstS: worst, judged };
}

/** The arm's repeats; an arm stored without repeats counts as a single repeat of its totals. */
export function armSample(result: RunResult, arm: ArmName, label: string): ArmSample {
  const a = result.arms.find((x) => x.name === arm);
  if (!a) {
    const ran = result.arms.map((x) => x.name).join(', ') || 'none';
    throw badInput('gate-arm-missing', `${label} has no "${arm}" arm (arms run: ${ran})`, `gate only on arms the scenario runs, or add "${arm}" to its arms`);
  }
  if (a.repeats.length === 0) {
    return {
      arm,
      repeats: [
        {
          buckets: toBuckets(decode(a.histogram, `${label} ${arm}`)),
          requests: a.requests,
          achievedRps: a.achievedRps,
          measuredS: 1,
          amplificationPeak: a.amplification?.peak ?? null,
          recovery: repeatRecovery(a, 0),
        },
      ],
    };
  }
  const perRepeat = a.repeats.map((r) => repeatAmplificationPeak(r));
  // Results whose repeats carry no service windows may still hold the arm's figure.
  const armOnly = perRepeat.every((p) => p === null) && a.amplification ? a.amplification.peak : null;
  return {
    arm,
    repeats: a.repeats.map((r, i) => ({
      buckets: toBuckets(decode(r.histogram, `${label} ${arm} repeat ${r.index}`)),
      requests: r.requests,
      achievedRps: r.achievedRps,
      measuredS: r.measuredMs / 1000,
      amplificationPeak: armOnly ?? perRepeat[i] ?? null,
      recovery: repeatRecovery(a, r.index),
    })),
  };
}

/** Merges the repeats at `indices` (repeats may appear more than once). */
export function mergeRepeats(sample: ArmSample, indices: readonly number[]): MergedSample {
  const byValue = new Map<number, { count: number; mid: number }>();
  const requests = { scheduled: 0, sent: 0, ok: 0, timeouts: 0 };
  let rpsWeighted = 0;
  let seconds = 0;
  let amp: number | null = null;
  let recoverySum = 0;
  let recoveryN = 0;
  for (const i of indices) {
    const r = sample.repeats[i];
    if (!r) throw new InternalError(`repeat ${i} out of range`);
    const { values, mids, counts } = r.buckets;
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      const e = byValue.get(v);
      if (e) e.count += counts[k]!;
      else byValue.set(v, { count: counts[k]!, mid: mids[k]! });
    }
    requests.scheduled += r.requests.scheduled;
    requests.sent += r.requests.sent;
    requests.ok += r.requests.ok;
    requests.timeouts += r.requests.timeouts;
    rpsWeighted += r.achievedRps * r.measuredS;
    seconds += r.measuredS;
    if (r.amplificationPeak !== null) amp = Math.max(amp ?? 0, r.amplificationPeak);
    if (r.recovery) {
      recoverySum += r.recovery.worstS;
      recoveryN++;
    }
  }
  const sorted = [...byValue.entries()].sort((a, b) => a[0] - b[0]);
  const values = new Float64Array(sorted.length);
  const cumulative = new Float64Array(sorted.length);
  let total = 0;
  let sum = 0;
  let sumSq = 0;
  sorted.forEach(([v, { count, mid }], k) => {
    values[k] = v;
    total += count;
    cumulative[k] = total;
    sum += mid * count;
    sumSq += mid * mid * count;
  });
  const meanUs = total > 0 ? sum / total : 0;
  return {
    values,
    cumulative,
    total,
    meanUs,
    sdUs: total > 0 ? Math.sqrt(Math.max(0, sumSq / total - meanUs * meanUs)) : 0,
    requests,
    achievedRps: seconds > 0 ? rpsWeighted / seconds : 0,
    amplificationPeak: amp,
    recoveryS: recoveryN > 0 ? recoverySum / recoveryN : null,
  };
}

/** The value (µs) at rank ⌈u·n⌉ — the same convention as HDR's getValueAtPercentile. */
export function valueAtFraction(m: MergedSample, u: number): number {
  if (m.total === 0) return 0;
  const fp = u * m.total;
  const rank = Math.max(1, Math.ceil(fp - fp * Number.EPSILON));
  let lo = 0;
  let hi = m.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.cumulative[mid]! >= rank) hi = mid;
    else lo = mid + 1;
  }
  return m.values[lo]!;
}
