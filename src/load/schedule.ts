// Why: "when should arrival N start" is the whole open-loop model, so it is decided here, as a
// pure function of the load spec and seeded RNGs, outside any I/O loop (k6 admits the opposite
// in a TODO). The executor only follows this schedule; it never decides timing itself.
// Arrivals are yielded lazily, so an hour at thousands of rps allocates nothing up front.
import { badInput } from '../core/errors.ts';
import { deriveSeed, exponential, seededRng, type Rng } from '../core/rng.ts';
import type { LoadSpec, RequestClass } from '../scenario/types.ts';

export interface Arrival {
  /** 0-based over the whole phase (warmup included); used to spread over targets. */
  index: number;
  /** Intended send time, ms from the phase start. */
  atMs: number;
  /** True for arrivals in the first `warmupS` seconds; they are sent but not recorded. */
  warmup: boolean;
  /** Request class picked by weight; null when the spec has no classes. */
  requestClass: RequestClass | null;
}

/**
 * Independent streams, so changing the class mix never moves the arrival times, and the
 * measured part's arrivals do not depend on how long the warmup before it lasted: both arms
 * of a repeat get the identical measured schedule even when their warmups differ.
 */
export interface ScheduleRngs {
  warmupGaps: Rng;
  warmupClasses: Rng;
  gaps: Rng;
  classes: Rng;
}

export function scheduleRngs(seed: number): ScheduleRngs {
  return {
    warmupGaps: seededRng(deriveSeed(seed, 'load.warmup.gaps')),
    warmupClasses: seededRng(deriveSeed(seed, 'load.warmup.classes')),
    gaps: seededRng(deriveSeed(seed, 'load.gaps')),
    classes: seededRng(deriveSeed(seed, 'load.classes')),
  };
}

/** Decides, boundary by boundary, whether the warmup is over (see warmup-policy.ts). */
export interface WarmupGate {
  /** Phase offsets (ms) at which the warmup may end, ascending. */
  boundaries: readonly number[];
  /** Asked once per boundary, in order, when the schedule reaches it. */
  endsAt(boundaryMs: number): boolean;
}

/** A warmup of exactly `load.warmup`. */
export function fixedWarmup(load: LoadSpec): WarmupGate {
  return { boundaries: [load.warmupS * 1000], endsAt: () => true };
}

/**
 * A stretch of time whose rate goes linearly from `fromRate` to `toRate` over `rampMs`, then
 * stays at `toRate`. Rates are per second, times are ms relative to the segment start.
 */
interface Segment {
  lengthMs: number;
  fromRate: number;
  toRate: number;
  rampMs: number;
}

function warmupSegment(load: LoadSpec): Segment {
  const rate = load.ramp ? load.ramp.fromRate : load.rate;
  return { lengthMs: Infinity, fromRate: rate, toRate: rate, rampMs: 0 };
}

function measuredSegment(load: LoadSpec): Segment {
  return {
    lengthMs: load.durationS * 1000,
    fromRate: load.ramp ? load.ramp.fromRate : load.rate,
    toRate: load.rate,
    rampMs: load.ramp ? load.ramp.overS * 1000 : 0,
  };
}

/** The rate of the warmup (the ramp's start rate, or the rate). */
export function warmupRate(load: LoadSpec): number {
  return warmupSegment(load).fromRate;
}

/**
 * Inverse of the expected arrival count Λ(t) = ∫ rate: the time (ms from the segment start) at
 * which `u` arrivals are expected. Constant arrivals sit at u = 0, 1, 2 …; Poisson arrivals at
 * cumulative Exp(1) sums (time rescaling), which gives an inhomogeneous Poisson process.
 */
function timeOfCount(seg: Segment, u: number): number {
  const rampS = seg.rampMs / 1000;
  const countInRamp = ((seg.fromRate + seg.toRate) / 2) * rampS;
  if (u <= countInRamp) {
    if (u === 0) return 0;
    // Λ(τ) = aτ + sτ²/2 solved for τ in the form that stays stable when s or a is 0.
    const a = seg.fromRate;
    const s = (seg.toRate - seg.fromRate) / rampS;
    return ((2 * u) / (a + Math.sqrt(a * a + 2 * s * u))) * 1000;
  }
  if (seg.toRate <= 0) return Infinity;
  return seg.rampMs + ((u - countInRamp) * 1000) / seg.toRate;
}

function classPicker(classes: RequestClass[], rng: Rng): () => RequestClass | null {
  if (classes.length === 0) return () => null;
  const total = classes.reduce((sum, c) => sum + c.weight, 0);
  if (!(total > 0)) {
    throw badInput('load.class-weights', 'load.classes weights add up to 0', 'give at least one class a positive weight');
  }
  return () => {
    let x = rng.next() * total;
    for (const c of classes) {
      x -= c.weight;
      if (x < 0) return c;
    }
    return classes[classes.length - 1] ?? null;
  };
}

/** Arrival times (ms from the segment start) of one segment. */
function* segmentTimes(seg: Segment, arrival: LoadSpec['arrival'], gaps: Rng): Generator<number> {
  let u = arrival === 'constant' ? 0 : exponential(gaps, 1);
  for (;;) {
    const t = timeOfCount(seg, u);
    if (!(t < seg.lengthMs)) return;
    yield t;
    u += arrival === 'constant' ? 1 : exponential(gaps, 1);
  }
}

/**
 * The intended arrivals of one phase, in time order: warmup arrivals (flagged) at the warmup
 * rate until `gate` ends the warmup at one of its boundaries, then the measured part, whose
 * times count from that boundary.
 */
export function* arrivalSchedule(load: LoadSpec, rngs: ScheduleRngs, gate: WarmupGate = fixedWarmup(load)): Generator<Arrival> {
  const pickWarmupClass = classPicker(load.classes, rngs.warmupClasses);
  const pickClass = classPicker(load.classes, rngs.classes);
  let index = 0;
  let endMs: number | null = null;
  let next = 0;
  /** Asks the gate about every boundary up to `t`; true once the warmup is over. */
  const over = (t: number): boolean => {
    while (endMs === null && next < gate.boundaries.length && t >= gate.boundaries[next]!) {
      const boundary = gate.boundaries[next++]!;
      if (gate.endsAt(boundary)) endMs = boundary;
    }
    return endMs !== null;
  };
  for (const t of segmentTimes(warmupSegment(load), load.arrival, rngs.warmupGaps)) {
    if (over(t)) break;
    yield { index: index++, atMs: t, warmup: true, requestClass: pickWarmupClass() };
  }
  // A warmup without arrivals (a ramp from 0) reaches no boundary by itself: the gate decides.
  if (!over(Infinity)) return;
  const startMs: number = endMs!;
  for (const t of segmentTimes(measuredSegment(load), load.arrival, rngs.gaps)) {
    yield { index: index++, atMs: startMs + t, warmup: false, requestClass: pickClass() };
  }
}
