// Why: the HTML report draws in the browser, but decoding histograms and deriving per-window
// ratios belongs in Node where the contracts live; this builds the small, plain JSON the page's
// script draws from, so the page needs no knowledge of HDR encoding or the result schema.
import type { ArmName } from '../scenario/types.ts';
import type { RepeatResult, RunResult } from '../result/types.ts';
import { windowAmplification } from '../analysis/amplification.ts';
import { describeInjection } from '../scenario/describe.ts';
import { decodeHistogram, percentileCurveMs } from '../stats/histogram.ts';

export interface ChartData {
  arms: ArmName[];
  /** Repeat indices present in any arm, ascending (shown to people as index + 1). */
  repeats: number[];
  series: RepeatSeries[];
  /** Incidents as they actually ran, per repeat (merged over arms), each in its own label lane. */
  incidents: IncidentBand[];
  /** Always-on conditions: their names label the band above every time chart, their descriptions the section. */
  conditions: Array<{ name: string; description: string }>;
  /** Every failure reason seen, most frequent first (stable colours across charts). */
  reasons: string[];
  percentileCurves: PercentileCurve[];
}

/** One arm in one repeat, per 1 s window; x = window midpoint in seconds. */
export interface RepeatSeries {
  arm: ArmName;
  repeat: number;
  x: number[];
  /** Successful requests' latency; null where a window had no success. */
  p50: Array<number | null>;
  p99: Array<number | null>;
  /** Every completed request's p99 (failures included), for the labelled comparison line. */
  p99All: Array<number | null>;
  /** ok ÷ scheduled in percent: dropped arrivals count as failed. */
  successPct: Array<number | null>;
  /** Successful client responses per second. */
  goodput: number[];
  /** Per reason, failed requests as a percentage of scheduled, per window. */
  failurePct: Record<string, Array<number | null>>;
  /** Per call edge: attempts ÷ requests that made any, per window (by finish time). */
  edges: Array<{ edge: string; amplification: Array<number | null> }>;
  services: ServiceLines[];
}

export interface ServiceLines {
  service: string;
  inFlight: number[];
  queueDepth: number[];
}

/** An incident as it actually ran in one repeat; seconds since measurement start. */
export interface IncidentBand {
  name: string;
  repeat: number;
  startS: number;
  stopS: number;
  /** 0-based label lane: incidents whose labels would overlap get different lanes. */
  lane: number;
}

export interface PercentileCurve {
  arm: ArmName;
  count: number;
  /** x = nines, -log10(1 - percentile/100): 50 % → 0.30, 99 % → 2, 99.9 % → 3. */
  points: Array<{ nines: number; percentile: number; ms: number }>;
}

export function buildChartData(result: RunResult): ChartData {
  const series = result.arms.flatMap((arm) => arm.repeats.map((r) => repeatSeries(arm.name, r)));
  const totals = new Map<string, number>();
  for (const a of result.arms) for (const [reason, n] of Object.entries(a.failures.byReason)) totals.set(reason, (totals.get(reason) ?? 0) + n);
  return {
    arms: result.arms.map((a) => a.name),
    repeats: [...new Set(series.map((s) => s.repeat))].sort((a, b) => a - b),
    series,
    incidents: incidentBands(result),
    conditions: result.scenario.conditions.map((c) => ({ name: c.name, description: describeInjection(c) })),
    reasons: [...totals.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([r]) => r),
    percentileCurves: result.arms.map((arm) => percentileCurve(arm.name, arm.histogram)),
  };
}

function repeatSeries(arm: ArmName, r: RepeatResult): RepeatSeries {
  const windows = [...r.windows].sort((a, b) => a.t - b.t);
  const reasons = [...new Set(windows.flatMap((w) => Object.keys(w.failures ?? {})))];
  return {
    arm,
    repeat: r.index,
    x: windows.map((w) => w.t + 0.5),
    p50: windows.map((w) => w.p50),
    p99: windows.map((w) => w.p99),
    p99All: windows.map((w) => w.p99All),
    successPct: windows.map((w) => (w.scheduled > 0 ? (100 * w.ok) / w.scheduled : null)),
    goodput: windows.map((w) => w.ok),
    failurePct: Object.fromEntries(reasons.map((reason) => [reason, windows.map((w) => (w.scheduled > 0 ? (100 * (w.failures[reason] ?? 0)) / w.scheduled : null))])),
    edges: (r.edges ?? []).map((e) => {
      const byT = new Map(e.windows.map((w) => [w.t, w]));
      return {
        edge: `${e.from} → ${e.to}`,
        amplification: windows.map((w) => {
          const ew = byT.get(w.t);
          return ew ? windowAmplification(ew) : null;
        }),
      };
    }),
    services: r.services.map((s) => {
      const byT = new Map(s.windows.map((w) => [w.t, w]));
      const at = windows.map((w) => byT.get(w.t));
      return { service: s.service, inFlight: at.map((w) => w?.inFlight ?? 0), queueDepth: at.map((w) => w?.queueDepth ?? 0) };
    }),
  };
}

/** A time chart's plot is about this wide (px) in the report's two-column grid … */
const PLOT_WIDTH_PX = 480;
/** … and an 11 px label character about this wide: enough to tell whether two labels collide. */
const CHAR_PX = 6.5;

function incidentBands(result: RunResult): IncidentBand[] {
  const merged = new Map<string, Omit<IncidentBand, 'lane'>>();
  for (const f of result.faults) {
    // A fault that never started is listed in the table, not shaded: shading claims it happened.
    if (f.actualStartMs === null) continue;
    const stopMs = f.actualStopMs ?? f.requestedStopMs;
    const key = `${f.repeat}\u0000${f.name}`;
    const prev = merged.get(key);
    merged.set(key, {
      name: f.name,
      repeat: f.repeat,
      startS: Math.min(prev?.startS ?? Infinity, f.actualStartMs / 1000),
      stopS: Math.max(prev?.stopS ?? -Infinity, stopMs / 1000),
    });
  }
  // Greedy lanes per repeat: an incident takes the first lane whose last label has ended.
  const secondsPerPx = result.scenario.load.durationS / PLOT_WIDTH_PX;
  const labelSeconds = (name: string) => (name.length * CHAR_PX + 10) * secondsPerPx;
  const out: IncidentBand[] = [];
  const byRepeat = new Map<number, Array<Omit<IncidentBand, 'lane'>>>();
  for (const b of merged.values()) byRepeat.set(b.repeat, [...(byRepeat.get(b.repeat) ?? []), b]);
  for (const bands of byRepeat.values()) {
    const laneEnds: number[] = [];
    for (const b of bands.sort((x, y) => x.startS - y.startS)) {
      const end = Math.max(b.stopS, b.startS + labelSeconds(b.name));
      let lane = laneEnds.findIndex((e) => e <= b.startS);
      if (lane < 0) lane = laneEnds.length;
      laneEnds[lane] = end;
      out.push({ ...b, lane });
    }
  }
  return out;
}

function percentileCurve(arm: ArmName, encoded: string): PercentileCurve {
  const h = decodeHistogram(encoded);
  // Beyond log10(count) nines every point is the maximum: the data cannot resolve that tail.
  const maxNines = Math.max(2, Math.log10(Math.max(1, h.totalCount)));
  const points = percentileCurveMs(h)
    .filter((p) => p.percentile < 100)
    .map((p) => ({ nines: -Math.log10(1 - p.percentile / 100), percentile: p.percentile, ms: p.ms }))
    .filter((p) => p.nines <= maxNines + 1e-9);
  return { arm, count: h.totalCount, points };
}
