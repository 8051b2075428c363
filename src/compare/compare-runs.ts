// Why: "did my change make it better or worse?" is answered by two runs side by side, and only
// honestly with the noise shown: each figure carries its bootstrap interval, and each change
// against the first run (the reference) is called better or worse only when its whole interval
// is on one side of zero — otherwise "no measurable difference". Runs of different scenarios or
// read from an older result version are named, never silently mixed. A pure function of results,
// reusing the gate's two-stage bootstrap (repeats, then requests inside them).
import { deriveSeed, seededRng } from '../core/rng.ts';
import type { RunResult } from '../result/types.ts';
import { scenarioHash } from '../result/scenario-hash.ts';
import type { ArmName } from '../scenario/types.ts';
import { armSample, type ArmSample } from '../gate/arm-samples.ts';
import type { Metric, MetricRef, Source } from '../gate/grammar.ts';
import { bootstrap, type Interval, type Samples } from '../gate/statistics.ts';
import type { DisplayUnit } from '../gate/format-value.ts';

export type CompareMetric = 'p50' | 'p90' | 'p99' | 'p999' | 'errorRate' | 'amplification' | 'recoveryS';
export type Verdict = 'better' | 'worse' | 'no measurable difference' | 'not measured';

interface MetricSpec {
  metric: CompareMetric;
  label: string;
  unit: DisplayUnit;
  /** Latencies and amplification compare as a relative change; rates and recovery times as a difference. */
  change: 'ratio' | 'difference';
}

const COMPARED: readonly MetricSpec[] = [
  { metric: 'p50', label: 'p50', unit: 'ms', change: 'ratio' },
  { metric: 'p90', label: 'p90', unit: 'ms', change: 'ratio' },
  { metric: 'p99', label: 'p99', unit: 'ms', change: 'ratio' },
  { metric: 'p999', label: 'p99.9', unit: 'ms', change: 'ratio' },
  { metric: 'errorRate', label: 'error rate', unit: 'percent', change: 'difference' },
  { metric: 'amplification', label: 'retry amplification (peak)', unit: 'number', change: 'ratio' },
  { metric: 'recoveryS', label: 'recovery (worst per repeat, mean)', unit: 'ms', change: 'difference' },
];

export interface Estimate {
  point: number;
  interval: Interval | null;
}

export interface MetricRow {
  spec: MetricSpec;
  /** Per run, in the order given; null when the run did not measure it. */
  values: Array<Estimate | null>;
  /** Per run against the first; null for the first run itself. */
  changes: Array<{ estimate: Estimate | null; verdict: Verdict } | null>;
}

export interface RunLabel {
  label: string;
  id: string;
  scenario: string;
  scenarioHash: string;
  startedAt: string;
  /** e.g. "read from a version-1 result (its latency included failed requests)". */
  caveats: string[];
}

export interface Comparison {
  confidence: number;
  runs: RunLabel[];
  /** False when the runs are of different scenarios (the caller decides whether that is allowed). */
  sameScenario: boolean;
  /** Arms not run by every run; they are left out. */
  notes: string[];
  arms: Array<{ arm: ArmName; rows: MetricRow[] }>;
}

export interface CompareOptions {
  confidence: number;
  iterations: number;
  seed: number;
  /** How runs are called in tables (default A, B, C …). */
  labels?: readonly string[];
}

function measures(sample: ArmSample, metric: CompareMetric): boolean {
  if (metric === 'amplification') return sample.repeats.some((r) => r.amplificationPeak !== null);
  if (metric === 'recoveryS') return sample.repeats.some((r) => r.recovery !== null);
  return sample.repeats.length > 0;
}

function samplesOf(current: ArmSample, baseline?: ArmSample): Samples {
  return new Map<Source, ReadonlyMap<ArmName, ArmSample>>([
    ['current', new Map([[current.arm, current]])],
    ['baseline', new Map(baseline ? [[baseline.arm, baseline]] : [])],
  ]);
}

/** better / worse only when the whole interval of the change is on one side of zero (every metric here is higher-is-worse). */
function verdictOf(interval: Interval | null): Verdict {
  if (!interval) return 'not measured';
  if (interval.lo > 0) return 'worse';
  if (interval.hi < 0) return 'better';
  return 'no measurable difference';
}

export function compareRuns(results: readonly RunResult[], opts: CompareOptions): Comparison {
  const labels = results.map((_, i) => opts.labels?.[i] ?? String.fromCharCode(65 + (i % 26)));
  const runs: RunLabel[] = results.map((r, i) => ({
    label: labels[i]!,
    id: r.id,
    scenario: r.scenario.name,
    scenarioHash: scenarioHash(r.scenario),
    startedAt: r.startedAt,
    caveats: [
      ...(r.upgradedFrom ? [`read from a version-${r.upgradedFrom} result (its stored latency included failed requests; recomputed from successes)`] : []),
      ...(r.validity.status !== 'valid' ? [`validity ${r.validity.status}: ${r.validity.reasons.map((c) => c.message).join('; ')}`] : []),
    ],
  }));
  const armNames = results[0]!.arms.map((a) => a.name).filter((name) => results.every((r) => r.arms.some((a) => a.name === name)));
  const notes = [...new Set(results.flatMap((r) => r.arms.map((a) => a.name)))]
    .filter((a) => !armNames.includes(a))
    .map((a) => `arm ${a} is not in every run and is left out`);
  const arms = armNames.map((arm) => {
    const samples = results.map((r, i) => armSample(r, arm, `run ${labels[i]} (${r.id})`));
    const rows = COMPARED.map((spec): MetricRow => {
      const ref: MetricRef = { source: 'current', arm, metric: spec.metric as Metric };
      const base: MetricRef = { ...ref, source: 'baseline' };
      const rng = (what: string) => seededRng(deriveSeed(opts.seed, `${arm}/${spec.metric}/${what}`));
      const boot = { confidence: opts.confidence, iterations: opts.iterations };
      const values = samples.map((s, i) => (measures(s, spec.metric) ? bootstrap(samplesOf(s), (v) => v(ref), { ...boot, rng: rng(`value/${i}`) }) : null));
      const changes = samples.map((s, i) => {
        if (i === 0) return null;
        if (!values[0] || !values[i]) return { estimate: null, verdict: 'not measured' as const };
        const fn = spec.change === 'ratio' ? (v: (r: MetricRef) => number) => v(ref) / v(base) - 1 : (v: (r: MetricRef) => number) => v(ref) - v(base);
        const estimate = bootstrap(samplesOf(s, samples[0]), fn, { ...boot, rng: rng(`change/${i}`) });
        return { estimate, verdict: verdictOf(estimate.interval) };
      });
      return { spec, values, changes };
    });
    return { arm, rows };
  });
  return { confidence: opts.confidence, runs, sameScenario: new Set(runs.map((r) => r.scenarioHash)).size === 1, notes, arms };
}
