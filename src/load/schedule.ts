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

/** Two independent streams, so changing the class mix never moves the arrival times. */
export interface ScheduleRngs {
  gaps: Rng;
  classes: Rng;
}

export function scheduleRngs(seed: number): ScheduleRngs {
  return {
    gaps: seededRng(deriveSeed(seed, 'load.gaps')),
    classes: seededRng(deriveSeed(seed, 'load.classes')),
  };
}

/** Offset of the measured part (t = 0 of windows and faults) from the phase start. */
export function measureStartMs(load: LoadSpec): number {
  return load.warmupS * 1000;
}

/** End of the phase: warmup plus the measured duration. */
export function phaseEndMs(load: LoadSpec): number {
  return (load.warmupS + load.durationS) * 1000;
}

/**
 * A stretch of time whose rate goes linearly from `fromRate` to `toRate` over `rampMs`, then
 * stays at `toRate`. Rates are per second, times are ms relative to the segment start.
 */
interface Segment {
  startMs: number;
  lengthMs: number;
  fromRate: number;
  toRate: number;
  rampMs: number;
}

function segments(load: LoadSpec): Segment[] {
  const startRate = load.ramp ? load.ramp.fromRate : load.rate;
  return [
    { startMs: 0, lengthMs: measureStartMs(load), fromRate: startRate, toRate: startRate, rampMs: 0 },
    {
      startMs: measureStartMs(load),
      lengthMs: load.durationS * 1000,
      fromRate: startRate,
      toRate: load.rate,
      rampMs: load.ramp ? load.ramp.overS * 1000 : 0,
    },
  ];
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

/** The intended arrivals of one phase (warmup, then the measured part), in time order. */
export function* arrivalSchedule(load: LoadSpec, rngs: ScheduleRngs): Generator<Arrival> {
  const pickClass = classPicker(load.classes, rngs.classes);
  const warmupEnd = measureStartMs(load);
  let index = 0;
  for (const seg of segments(load)) {
    let u = load.arrival === 'constant' ? 0 : exponential(rngs.gaps, 1);
    for (;;) {
      const t = timeOfCount(seg, u);
      if (!(t < seg.lengthMs)) break;
      const atMs = seg.startMs + t;
      yield { index: index++, atMs, warmup: atMs < warmupEnd, requestClass: pickClass() };
      u += load.arrival === 'constant' ? 1 : exponential(rngs.gaps, 1);
    }
  }
}
