// Why: the HTML report draws in the browser, but decoding histograms and deriving per-window
// ratios belongs in Node where the contracts live; this builds the small, plain JSON the page's
// script draws from, so the page needs no knowledge of HDR encoding or the result schema.
import type { ArmName } from '../scenario/types.ts';
import type { RepeatResult, RunResult } from '../result/types.ts';
import { decodeHistogram, percentileCurveMs } from '../stats/histogram.ts';

export interface ChartData {
  arms: ArmName[];
  /** Repeat indices present in any arm, ascending. */
  repeats: number[];
  series: RepeatSeries[];
  faultWindows: FaultWindow[];
  percentileCurves: PercentileCurve[];
}

/** One arm in one repeat, per 1 s window; x = window midpoint in seconds. */
export interface RepeatSeries {
  arm: ArmName;
  repeat: number;
  x: number[];
  /** null where a window had no requests. */
  p50: Array<number | null>;
  p99: Array<number | null>;
  /** ok ÷ scheduled in percent: dropped arrivals count as failed. */
  successPct: Array<number | null>;
  services: ServiceLines[];
}

export interface ServiceLines {
  service: string;
  /** Arrivals at the service ÷ requests the client sent, per window. */
  amplification: Array<number | null>;
  inFlight: number[];
  queueDepth: number[];
}

/** A fault as it actually ran in one repeat, merged over arms; seconds since measurement start. */
export interface FaultWindow {
  name: string;
  repeat: number;
  startS: number;
  stopS: number;
}

export interface PercentileCurve {
  arm: ArmName;
  count: number;
  /** x = nines, -log10(1 - percentile/100): 50 % → 0.30, 99 % → 2, 99.9 % → 3. */
  points: Array<{ nines: number; percentile: number; ms: number }>;
}

export function buildChartData(result: RunResult): ChartData {
  const series = result.arms.flatMap((arm) => arm.repeats.map((r) => repeatSeries(arm.name, r)));
  return {
    arms: result.arms.map((a) => a.name),
    repeats: [...new Set(series.map((s) => s.repeat))].sort((a, b) => a - b),
    series,
    faultWindows: faultWindows(result),
    percentileCurves: result.arms.map((arm) => percentileCurve(arm.name, arm.histogram)),
  };
}

function repeatSeries(arm: ArmName, r: RepeatResult): RepeatSeries {
  const windows = [...r.windows].sort((a, b) => a.t - b.t);
  const sentAt = new Map(windows.map((w) => [w.t, w.sent]));
  return {
    arm,
    repeat: r.index,
    x: windows.map((w) => w.t + 0.5),
    p50: windows.map((w) => (w.sent > 0 ? w.p50 : null)),
    p99: windows.map((w) => (w.sent > 0 ? w.p99 : null)),
    successPct: windows.map((w) => (w.scheduled > 0 ? (100 * w.ok) / w.scheduled : null)),
    services: r.services.map((s) => {
      const byT = new Map(s.windows.map((w) => [w.t, w]));
      const at = windows.map((w) => byT.get(w.t));
      return {
        service: s.service,
        amplification: at.map((w) => {
          const sent = w ? (sentAt.get(w.t) ?? 0) : 0;
          return w && sent > 0 ? w.arrivals / sent : null;
        }),
        inFlight: at.map((w) => w?.inFlight ?? 0),
        queueDepth: at.map((w) => w?.queueDepth ?? 0),
      };
    }),
  };
}

function faultWindows(result: RunResult): FaultWindow[] {
  const merged = new Map<string, FaultWindow>();
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
  return [...merged.values()];
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
