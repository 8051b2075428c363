// Why: the report's browser script only draws; every number it plots is computed here in Node
// from capacity.json: per arm the latency-vs-throughput curve of each replica count with its knee
// and the SLO line, and per arm the measured knees with the fitted USL curve and the hold-out.
import type { CapacityResult, KneeRecord } from '../result.ts';
import type { StepMetric } from '../slo.ts';
import { fitUsl, uslThroughput, type UslParams } from '../usl.ts';

export interface CapacityChartData {
  /** The latency plotted: the metric of the first latency SLO (p99 when none limits latency). */
  metric: StepMetric;
  /** That SLO's limit in ms, drawn as a line; null when no SLO limits latency. */
  sloMs: number | null;
  curves: Array<{
    arm: string;
    replicas: number;
    /** One point per distinct rate measured, by goodput. */
    points: Array<{ x: number; y: number; rate: number; meets: boolean }>;
    knee: { x: number; y: number; rate: number } | null;
  }>;
  usl: Array<{
    arm: string;
    measured: Array<{ x: number; y: number; fitted: boolean }>;
    curve: Array<{ x: number; y: number }>;
    /** The model fitted without the largest count, drawn dashed, and its prediction. */
    holdoutCurve: Array<{ x: number; y: number }>;
    holdout: { x: number; y: number } | null;
  }>;
  maxReplicas: number;
}

function curve(p: UslParams, maxN: number): Array<{ x: number; y: number }> {
  const out: Array<{ x: number; y: number }> = [];
  for (let i = 0; i <= 40; i++) {
    const x = 1 + ((maxN - 1) * i) / 40;
    out.push({ x, y: uslThroughput(p, x) });
  }
  return out;
}

function latencyCurve(k: KneeRecord, metric: StepMetric): CapacityChartData['curves'][number]['points'] {
  // A rate measured twice (a confirmation) is shown as its last measurement.
  const byRate = new Map<number, KneeRecord['steps'][number]>();
  for (const s of k.steps) byRate.set(s.rate, s);
  return [...byRate.values()]
    .sort((a, b) => a.rate - b.rate)
    .map((s) => ({ x: s.okRps, y: metric === 'errorRate' || metric === 'timeoutRate' ? s.latencyMs.p99 : s.latencyMs[metric], rate: s.rate, meets: s.meets }));
}

export function capacityChartData(result: CapacityResult): CapacityChartData {
  const latencySlo = result.settings.slos.find((s) => s.metric !== 'errorRate' && s.metric !== 'timeoutRate');
  const metric: StepMetric = latencySlo?.metric ?? 'p99';
  const maxReplicas = Math.max(4, 2 * Math.max(...result.settings.replicas));
  return {
    metric,
    sloMs: latencySlo?.limit ?? null,
    curves: result.arms.flatMap((arm) =>
      arm.knees.map((k) => {
        const points = latencyCurve(k, metric);
        const kneePoint = k.maxRps === null ? undefined : points.find((p) => p.rate === k.maxRps);
        return { arm: arm.name, replicas: k.replicas, points, knee: kneePoint ? { x: kneePoint.x, y: kneePoint.y, rate: kneePoint.rate } : null };
      }),
    ),
    usl: result.arms.map((arm) => {
      const fitted = new Set(arm.usl?.points.map((p) => p.replicas) ?? []);
      const heldOutFit = arm.holdout && arm.usl ? fitUsl(arm.usl.points.filter((p) => p.replicas !== arm.holdout!.replicas), result.settings.resolution * 100) : null;
      return {
        arm: arm.name,
        measured: arm.knees.filter((k) => k.maxRps !== null).map((k) => ({ x: k.replicas, y: k.maxRps!, fitted: fitted.has(k.replicas) })),
        curve: arm.usl ? curve(arm.usl, maxReplicas) : [],
        holdoutCurve: heldOutFit ? curve(heldOutFit, maxReplicas) : [],
        holdout: arm.holdout ? { x: arm.holdout.replicas, y: arm.holdout.predictedRps } : null,
      };
    }),
    maxReplicas,
  };
}
