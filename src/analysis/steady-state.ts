// Why: "what does the mesh cost me every day?" is answered on the steady state — the windows
// outside every incident and its recovery, conditions included — not on a whole run that mixes
// a DB lock into the percentiles. The cost is meshed − direct at p50 and p99 of the successful
// requests, with a bootstrap interval (whole repeats, then requests within them, paired by
// repeat as in the gates), and it is called measurable only when it is larger than the
// generator's own send lateness at that percentile (the floor).
import { deriveSeed, seededRng } from '../core/rng.ts';
import { toBuckets, type ArmSample } from '../gate/arm-samples.ts';
import type { Metric, Source } from '../gate/grammar.ts';
import { bootstrap, type Samples } from '../gate/statistics.ts';
import type { ArmResult, CostFigure, RunResult, SteadyArm, SteadyState } from '../result/types.ts';
import type { ArmName } from '../scenario/types.ts';
import { decodeHistogram, encodeHistogram, mergeHistograms, summarizeMs } from '../stats/histogram.ts';
import { steadyWindows } from './incidents.ts';
import { mergedWindowHistogram, successRate } from './window-stats.ts';

export const COST_CONFIDENCE = 0.95;
const ITERATIONS = 2000;

/** Window times excluded from the steady state, per arm and repeat index. */
export type Exclusions = (arm: ArmName, repeat: number) => ReadonlySet<number>;

function steadyArm(arm: ArmResult, excluded: Exclusions): SteadyArm {
  const repeats = arm.repeats.map((r) => {
    const windows = steadyWindows(r.windows, excluded(arm.name, r.index));
    const histogram = mergedWindowHistogram(windows);
    const scheduled = windows.reduce((n, w) => n + w.scheduled, 0);
    const ok = windows.reduce((n, w) => n + w.ok, 0);
    return {
      repeat: r.index,
      windows: windows.length,
      latencyMs: summarizeMs(histogram),
      successRate: successRate({ ok, scheduled }),
      histogram: encodeHistogram(histogram),
      windowTimes: windows.map((w) => w.t),
      ok,
      scheduled,
    };
  });
  const merged = mergeHistograms(repeats.map((r) => decodeHistogram(r.histogram)));
  const windows = repeats.reduce((n, r) => n + r.windows, 0);
  const ok = repeats.reduce((n, r) => n + r.ok, 0);
  const scheduled = repeats.reduce((n, r) => n + r.scheduled, 0);
  return {
    arm: arm.name,
    windows,
    latencyMs: summarizeMs(merged),
    successRate: successRate({ ok, scheduled }),
    goodputRps: windows > 0 ? ok / windows : 0,
    histogram: encodeHistogram(merged),
    repeats: repeats.map(({ ok: _ok, scheduled: _scheduled, ...r }) => r),
  };
}

/** The steady windows of an arm as a gate sample: one repeat sample per repeat that has any. */
export function steadySample(arm: SteadyArm): ArmSample {
  return {
    arm: arm.arm,
    repeats: arm.repeats.map((r) => ({
      buckets: toBuckets(decodeHistogram(r.histogram)),
      requests: { scheduled: r.latencyMs.count, sent: r.latencyMs.count, ok: r.latencyMs.count, errors: 0, timeouts: 0, dropped: 0, byStatus: {} },
      achievedRps: 0,
      measuredS: r.windows,
      amplificationPeak: null,
      recovery: null,
    })),
  };
}

/** meshed − direct at `metric` over `samples`, with its bootstrap interval. */
export function costInterval(direct: ArmSample, meshed: ArmSample, metric: Metric, seed: number): { point: number; interval: { lo: number; hi: number } | null } {
  const samples: Samples = new Map<Source, Map<ArmName, ArmSample>>([
    ['current', new Map<ArmName, ArmSample>([['direct', direct], ['meshed', meshed]])],
    ['baseline', new Map()],
  ]);
  return bootstrap(
    samples,
    (v) => v({ source: 'current', arm: 'meshed', metric }) - v({ source: 'current', arm: 'direct', metric }),
    { confidence: COST_CONFIDENCE, iterations: ITERATIONS, rng: seededRng(deriveSeed(seed, `steady-state ${metric}`)) },
  );
}

function figure(direct: SteadyArm, meshed: SteadyArm, metric: 'p50' | 'p99', floorMs: number, seed: number): CostFigure {
  const { point, interval } = costInterval(steadySample(direct), steadySample(meshed), metric, seed);
  return { addedMs: point, interval, floorMs, measurable: Math.abs(point) > floorMs };
}

export function steadyState(result: RunResult, excluded: Exclusions): SteadyState {
  const arms = result.arms.map((a) => steadyArm(a, excluded));
  const direct = arms.find((a) => a.arm === 'direct');
  const meshed = arms.find((a) => a.arm === 'meshed');
  const usable = (a: SteadyArm | undefined): a is SteadyArm => !!a && a.latencyMs.count > 0 && a.repeats.every((r) => r.latencyMs.count > 0);
  let cost: SteadyState['cost'] = null;
  if (usable(direct) && usable(meshed)) {
    const floor = (pick: 'p50' | 'p99') => Math.max(...result.arms.map((a) => a.sendLatenessMs[pick]));
    cost = {
      p50: figure(direct, meshed, 'p50', floor('p50'), result.scenario.seed),
      p99: figure(direct, meshed, 'p99', floor('p99'), result.scenario.seed),
    };
  }
  return { arms, cost };
}
