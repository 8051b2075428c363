// Why: a plan extrapolates from a few measured replica counts to the many a target needs, and a
// straight line through the knees would promise linear scaling that shared resources never give.
// Gunther's Universal Scalability Law, X(N) = λN / (1 + σ(N−1) + κN(N−1)), names the two ways
// scaling falls short — contention σ (waiting for something shared) and coherency κ (replicas
// talking to each other, which makes throughput fall past a peak) — and is fitted here by least
// squares to the knees. Pure numbers in, numbers out.
//
// A fit never uses all its freedom: n knees fit at most n − 1 parameters, so every fit keeps a
// residual to be judged by, and of the nested models (λ; λ, σ; λ, σ, κ) the simplest whose every
// residual is within the knees' resolution is kept — a σ or κ smaller than the measurement can
// resolve would be noise, and it would dominate a 10× extrapolation.

export interface UslParams {
  lambda: number;
  sigma: number;
  kappa: number;
}

/** Which parameters were fitted: λ only, λ and σ, or all three. */
export type UslModel = 'linear' | 'contention' | 'usl';

export interface UslPoint {
  replicas: number;
  rps: number;
}

export interface UslFit extends UslParams {
  model: UslModel;
  /** Largest |fitted − measured| ÷ measured over the points, in %. */
  maxResidualPct: number;
}

export function uslThroughput(p: UslParams, replicas: number): number {
  const n = replicas;
  return (p.lambda * n) / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

/** Where throughput peaks (κ > 0), as a real-valued replica count; null when it never does. */
export function uslPeak(p: UslParams): { replicas: number; rps: number } | null {
  if (!(p.kappa > 0)) return null;
  const replicas = Math.sqrt(Math.max(0, 1 - p.sigma) / p.kappa);
  return { replicas, rps: uslThroughput(p, replicas) };
}

/** Throughput approached as N grows without bound (κ = 0): λ/σ, or Infinity when σ = 0 too. */
export function uslCeiling(p: UslParams): number {
  if (p.kappa > 0) return uslPeak(p)!.rps;
  return p.sigma > 0 ? p.lambda / p.sigma : Number.POSITIVE_INFINITY;
}

const SIGMA_MAX = 1;
const KAPPA_MAX = 1;

/** For fixed σ, κ the best λ is linear least squares; returns λ and the sum of squared errors. */
function solveLambda(points: readonly UslPoint[], sigma: number, kappa: number): { lambda: number; sse: number } {
  let xg = 0;
  let gg = 0;
  let xx = 0;
  for (const { replicas: n, rps: x } of points) {
    const g = n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
    xg += x * g;
    gg += g * g;
    xx += x * x;
  }
  const lambda = gg > 0 ? xg / gg : 0;
  return { lambda, sse: Math.max(0, xx - lambda * xg) };
}

/** Minimises f over [lo, hi] from a grid then golden-section search around the best cell. */
function minimise1d(f: (x: number) => number, lo: number, hi: number, gridSize = 400): number {
  let best = lo;
  let bestValue = f(lo);
  const step = (hi - lo) / gridSize;
  for (let i = 1; i <= gridSize; i++) {
    const x = lo + i * step;
    const v = f(x);
    if (v < bestValue) {
      best = x;
      bestValue = v;
    }
  }
  let a = Math.max(lo, best - step);
  let b = Math.min(hi, best + step);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 80 && b - a > 1e-12; i++) {
    const c = b - phi * (b - a);
    const d = a + phi * (b - a);
    if (f(c) <= f(d)) b = d;
    else a = c;
  }
  const mid = (a + b) / 2;
  return f(mid) <= bestValue ? mid : best;
}

/** Least squares for one model, σ and κ kept in [0, 1]. */
export function fitUslModel(points: readonly UslPoint[], model: UslModel): UslParams {
  if (points.length === 0) throw new RangeError('no points to fit');
  if (model === 'linear') return { lambda: solveLambda(points, 0, 0).lambda, sigma: 0, kappa: 0 };
  if (model === 'contention') {
    const sigma = minimise1d((s) => solveLambda(points, s, 0).sse, 0, SIGMA_MAX);
    return { lambda: solveLambda(points, sigma, 0).lambda, sigma, kappa: 0 };
  }
  // Both: κ on a log grid (it is typically 1e-4 … 1e-1), σ minimised for each, then refined.
  const sseAt = (sigma: number, kappa: number) => solveLambda(points, sigma, kappa).sse;
  const bestSigmaFor = (kappa: number) => minimise1d((s) => sseAt(s, kappa), 0, SIGMA_MAX, 100);
  let best = { sigma: bestSigmaFor(0), kappa: 0 };
  let bestSse = sseAt(best.sigma, 0);
  for (let e = -7; e <= 0; e += 0.125) {
    const kappa = Math.min(KAPPA_MAX, 10 ** e);
    const sigma = bestSigmaFor(kappa);
    const sse = sseAt(sigma, kappa);
    if (sse < bestSse) {
      best = { sigma, kappa };
      bestSse = sse;
    }
  }
  // Coordinate refinement with shrinking steps, within the bounds.
  let stepS = 0.05;
  let stepK = Math.max(best.kappa, 1e-7);
  for (let i = 0; i < 400 && (stepS > 1e-12 || stepK > 1e-15); i++) {
    let improved = false;
    for (const [ds, dk] of [
      [stepS, 0],
      [-stepS, 0],
      [0, stepK],
      [0, -stepK],
    ] as const) {
      const sigma = Math.min(SIGMA_MAX, Math.max(0, best.sigma + ds));
      const kappa = Math.min(KAPPA_MAX, Math.max(0, best.kappa + dk));
      const sse = sseAt(sigma, kappa);
      if (sse < bestSse) {
        best = { sigma, kappa };
        bestSse = sse;
        improved = true;
      }
    }
    if (!improved) {
      stepS /= 2;
      stepK /= 2;
    }
  }
  return { lambda: solveLambda(points, best.sigma, best.kappa).lambda, ...best };
}

export function maxResidualPct(p: UslParams, points: readonly UslPoint[]): number {
  return Math.max(0, ...points.map((pt) => (Math.abs(uslThroughput(p, pt.replicas) - pt.rps) / pt.rps) * 100));
}

/** The models n points may fit (each keeps at least one degree of freedom), simplest first. */
function candidateModels(n: number): UslModel[] {
  const models: UslModel[] = ['linear'];
  if (n >= 3) models.push('contention');
  if (n >= 4) models.push('usl');
  return models;
}

/**
 * Fits the simplest model whose every residual is within `tolerancePct` (the knees' resolution);
 * when none is, the most detailed model the points allow.
 */
export function fitUsl(points: readonly UslPoint[], tolerancePct: number): UslFit {
  const counts = new Set(points.map((p) => p.replicas));
  if (counts.size !== points.length) throw new RangeError('one point per replica count');
  if (points.some((p) => !(p.rps > 0) || !(p.replicas >= 1))) throw new RangeError('points need rps > 0 and replicas >= 1');
  let fit: UslFit | null = null;
  for (const model of candidateModels(points.length)) {
    const params = fitUslModel(points, model);
    fit = { ...params, model, maxResidualPct: maxResidualPct(params, points) };
    if (fit.maxResidualPct <= tolerancePct) break;
  }
  return fit!;
}

/** A model must predict a knee it did not see within this, or the plan says it is not trustworthy. */
export const HOLDOUT_LIMIT_PCT = 15;

export interface Holdout {
  replicas: number;
  predictedRps: number;
  measuredRps: number;
  /** |predicted − measured| ÷ measured, in %. */
  errorPct: number;
  /** The model fitted without the held-out knee. */
  model: UslModel;
  trustworthy: boolean;
}

/**
 * Fits on every knee but the largest replica count's (the plan extrapolates upwards, so that is
 * the direction to check), predicts it, and compares. Null with fewer than two knees.
 */
export function holdOut(points: readonly UslPoint[], tolerancePct: number): Holdout | null {
  if (points.length < 2) return null;
  const sorted = [...points].sort((a, b) => a.replicas - b.replicas);
  const held = sorted[sorted.length - 1]!;
  const fit = fitUsl(sorted.slice(0, -1), tolerancePct);
  const predictedRps = uslThroughput(fit, held.replicas);
  const errorPct = (Math.abs(predictedRps - held.rps) / held.rps) * 100;
  return { replicas: held.replicas, predictedRps, measuredRps: held.rps, errorPct, model: fit.model, trustworthy: errorPct <= HOLDOUT_LIMIT_PCT };
}
