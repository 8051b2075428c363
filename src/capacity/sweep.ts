// Why: where the next step's rate comes from is the whole method of a capacity sweep, so it is
// decided here, as pure policy over an injected measurement function — unit-tested against
// queueing models without a single process. The method: a step ramp of open-loop rates, scaled
// to the closed-loop saturation a probe measured, stopped by the first step that breaks an SLO
// (a surprising failure far below saturation is measured again first, so one stall of a shared
// machine does not end the ramp); then bisection between the last rate that met every SLO and
// the first that did not, until the bracket is as narrow as the resolution asks.

export type StepPurpose = 'ramp' | 'confirm' | 'descend' | 'bisect';

/** What the policy needs to know about a measured step. */
export interface StepOutcome {
  rate: number;
  /** Every SLO held and the step did not collapse. */
  meets: boolean;
}

export type Measure<S extends StepOutcome> = (rate: number, purpose: StepPurpose) => Promise<S>;

export interface SweepLimits {
  /** The lowest rate offered; a knee below it is reported as not found. */
  minRps: number;
  /** The highest rate offered (what this machine's generator can drive). */
  maxRps: number;
  /** Bisection stops once (high − low) ÷ low is at most this (0.05 = 5 %). */
  resolution: number;
}

/**
 * found — the knee lies in [low, high);
 * above-limit — every rate up to maxRps met the SLOs: the knee is at least `low`;
 * below-limit — no rate down to minRps met them: the knee is below `high`.
 */
export type KneeOutcome = 'found' | 'above-limit' | 'below-limit';

export interface KneeSearch<S extends StepOutcome> {
  outcome: KneeOutcome;
  /** Highest rate measured to meet every SLO. */
  low: number | null;
  /** Lowest rate measured not to (above `low`). */
  high: number | null;
  /** In the order measured, each with why it was measured. */
  steps: Array<S & { purpose: StepPurpose }>;
}

/** Fractions of the probe's saturation throughput the ramp offers, before growing by RAMP_GROWTH. */
export const RAMP_FRACTIONS = [0.5, 0.75, 0.9, 1.0, 1.1] as const;
const RAMP_GROWTH = 1.25;
/** A failure below this share of saturation is unexpected enough to be measured twice. */
const CONFIRM_BELOW = 0.8;
const MAX_BISECTIONS = 12;

/** The ramp's rates, ascending: fractions of saturation, then growing to maxRps. */
export function rampRates(saturationRps: number, limits: SweepLimits): number[] {
  const rates: number[] = [];
  const push = (r: number) => {
    const rate = Math.round(Math.min(limits.maxRps, Math.max(limits.minRps, r)));
    if (rates.length === 0 || rate > rates[rates.length - 1]!) rates.push(rate);
  };
  for (const f of RAMP_FRACTIONS) push(f * saturationRps);
  let r = RAMP_FRACTIONS[RAMP_FRACTIONS.length - 1]! * saturationRps;
  while (r < limits.maxRps) {
    r *= RAMP_GROWTH;
    push(r);
  }
  return rates;
}

export function bracketIsNarrow(low: number, high: number, resolution: number): boolean {
  return (high - low) / low <= resolution + 1e-12;
}

export async function findKnee<S extends StepOutcome>(measure: Measure<S>, saturationRps: number, limits: SweepLimits): Promise<KneeSearch<S>> {
  if (!(saturationRps > 0)) throw new RangeError(`saturation must be positive, got ${saturationRps}`);
  if (!(limits.minRps > 0 && limits.maxRps >= limits.minRps && limits.resolution > 0)) throw new RangeError('bad sweep limits');
  const steps: KneeSearch<S>['steps'] = [];
  const run = async (rate: number, purpose: StepPurpose): Promise<boolean> => {
    const outcome = await measure(rate, purpose);
    steps.push({ ...outcome, purpose });
    return outcome.meets;
  };

  let low: number | null = null;
  let high: number | null = null;
  for (const rate of rampRates(saturationRps, limits)) {
    let meets = await run(rate, 'ramp');
    if (!meets && rate < CONFIRM_BELOW * saturationRps) meets = await run(rate, 'confirm');
    if (meets) {
      low = rate;
    } else {
      high = rate;
      break;
    }
  }
  if (high === null) return { outcome: 'above-limit', low, high, steps };

  if (low === null) {
    // The first rate already failed: halve until one meets, or give up at minRps.
    let rate = high;
    while (low === null && rate > limits.minRps) {
      rate = Math.max(limits.minRps, Math.round(rate / 2));
      if (await run(rate, 'descend')) low = rate;
      else high = rate;
    }
    if (low === null) return { outcome: 'below-limit', low, high, steps };
  }

  for (let i = 0; i < MAX_BISECTIONS && !bracketIsNarrow(low, high, limits.resolution); i++) {
    const mid = Math.round((low + high) / 2);
    if (mid <= low || mid >= high) break;
    if (await run(mid, 'bisect')) low = mid;
    else high = mid;
  }
  return { outcome: 'found', low, high, steps };
}
