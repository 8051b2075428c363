// Why: the one place gates meet data. A pure function of run results: parse every gate, decide
// what each one judges (a metric, a ratio, a margin, a change against the baseline), bootstrap
// an interval for it — widened to the spread between baseline runs when the baseline keeps
// several (between-runs.ts) — and turn intervals into pass / fail / inconclusive and an exit code.
// Without a baseline, baseline gates can be reported as skipped instead of refused (first CI run).
import { badInput } from '../core/errors.ts';
import { deriveSeed, seededRng } from '../core/rng.ts';
import type { ArmName } from '../scenario/types.ts';
import type { RunResult } from '../result/types.ts';
import {
  dimensionOf,
  evaluateExpr,
  gateRefs,
  hasMetric,
  parseGates,
  referencesBaseline,
  type CompareOp,
  type Expr,
  type Gate,
  type MetricRef,
  type Source,
} from './grammar.ts';
import { armSample, type ArmSample } from './arm-samples.ts';
import { bootstrap, decide, pointStatistic, type GateStatus, type Interval, type Samples } from './statistics.ts';
import { betweenRunBand, hull } from './between-runs.ts';
import { formatInterval, formatValue, type DisplayUnit } from './format-value.ts';
import { validityProblems } from './validity-scope.ts';

/** What baseline gates do when there is no baseline: skipped (JUnit skipped), skipped but passing in JUnit, or failed. */
export type MissingBaseline = 'skip' | 'pass' | 'fail';

/** A gate's outcome: judged, or skipped for want of a baseline. */
export type GateOutcomeStatus = GateStatus | 'skipped';

export interface EvaluateOptions {
  /** One baseline run, or a baseline's kept runs (oldest first): their spread is run-to-run noise. */
  baseline?: RunResult | readonly RunResult[];
  /** Without it, a baseline gate with no baseline is bad input. */
  missingBaseline?: MissingBaseline;
  confidence: number;
  inconclusive: 'pass' | 'fail';
  /** Bootstrap seed; defaults to the scenario's seed, so a result always gates the same way. */
  seed?: number;
  /** Bootstrap resamples per gate (default 2000). */
  iterations?: number;
}

export interface GateResult {
  expression: string;
  status: GateOutcomeStatus;
  /** What was judged, e.g. "meshed.p99", "meshed.p99 / direct.p99", "meshed.p99 vs baseline". */
  statistic: string;
  unit: DisplayUnit;
  /** The statistic on all repeats as measured; for outcomes, the repeats that recovered. */
  measured: number | null;
  interval: Interval | null;
  op: CompareOp | null;
  threshold: number | null;
  /** The same numbers as text, for the console, JUnit and Markdown. */
  text: { measured: string; interval: string; threshold: string };
  /** One line: `PASS meshed.p99 < 25ms — …`. */
  verdict: string;
  /** Validity problems of the run that concern this gate; when any, the gate is inconclusive. */
  validity: string[];
}

export interface GateReport {
  scenario: string;
  resultId: string;
  /** The newest baseline run's id. */
  baselineId: string | null;
  /** How many baseline runs the baseline gates were judged against. */
  baselineRuns: number;
  /** Set when baseline gates were skipped or failed for want of a baseline. */
  missingBaseline: MissingBaseline | null;
  confidence: number;
  inconclusive: 'pass' | 'fail';
  gates: GateResult[];
  counts: Record<GateOutcomeStatus, number>;
  /** 0 when every gate passed (inconclusive counting as configured), 1 otherwise. */
  exitCode: 0 | 1;
}

export const DEFAULT_ITERATIONS = 2000;

/** Metrics that are never zero or negative, so `x op ref * c` can be judged as `x / ref op c`. */
const POSITIVE_METRICS = new Set(['p50', 'p90', 'p99', 'p999', 'max', 'mean', 'achievedRps', 'amplification']);

interface Judged {
  statistic: string;
  unit: DisplayUnit;
  op: CompareOp;
  threshold: number;
  fn: (value: (ref: MetricRef) => number) => number;
  /**
   * The scale on which runs differ additively, for the between-run band: a ratio's drift is
   * multiplicative (a busy machine slows everything by a factor), so ratios are banded in logs.
   * Both maps are increasing.
   */
  scale: { to: (x: number) => number; from: (y: number) => number };
}

const LINEAR = { to: (x: number) => x, from: (y: number) => y };

function refText(r: MetricRef): string {
  return `${r.source === 'baseline' ? 'baseline.' : ''}${r.arm}.${r.metric}`;
}

export function formatExpr(e: Expr, nested = false): string {
  switch (e.kind) {
    case 'number':
      return e.dimension === 'time' ? formatValue(e.value, 'ms') : String(e.value);
    case 'metric':
      return refText(e.ref);
    case 'negate':
      return `-${formatExpr(e.operand, true)}`;
    case 'binary': {
      const s = `${formatExpr(e.left, true)} ${e.op} ${formatExpr(e.right, true)}`;
      return nested ? `(${s})` : s;
    }
  }
}

/** `ref`, `ref * c` or `c * ref` with a positive metric: returns the ref and c. */
function scaledRef(e: Expr): { ref: MetricRef; factor: number } | null {
  const positive = (x: Expr): x is Extract<Expr, { kind: 'metric' }> => x.kind === 'metric' && POSITIVE_METRICS.has(x.ref.metric);
  if (positive(e)) return { ref: e.ref, factor: 1 };
  if (e.kind === 'binary' && e.op === '*') {
    if (positive(e.left) && e.right.kind === 'number' && e.right.value > 0) return { ref: e.left.ref, factor: e.right.value };
    if (positive(e.right) && e.left.kind === 'number' && e.left.value > 0) return { ref: e.right.ref, factor: e.left.value };
  }
  return null;
}

const RATES = new Set(['errorRate', 'timeoutRate']);

/** Times in ms; rates and sums or differences of rates in %; anything else a plain number. */
function unitOf(e: Expr): DisplayUnit {
  if (dimensionOf(e) === 'time') return 'ms';
  const additive = (x: Expr): boolean =>
    x.kind === 'metric' ? RATES.has(x.ref.metric) : x.kind === 'negate' ? additive(x.operand) : x.kind === 'binary' && (x.op === '+' || x.op === '-') && additive(x.left) && additive(x.right);
  return additive(e) ? 'percent' : 'number';
}

/** Decides what a gate judges against which threshold. */
function judged(g: Exclude<Gate, { kind: 'outcome' }>): Judged {
  if (g.kind === 'regression') {
    const base: MetricRef = { ...g.ref, source: 'baseline' };
    const worse = g.direction === 'higher-is-worse';
    return {
      statistic: `${refText(g.ref)} ${worse ? 'increase' : 'decrease'} vs baseline`,
      unit: 'change',
      op: g.op,
      threshold: g.limit,
      fn: (v) => (worse ? v(g.ref) / v(base) - 1 : 1 - v(g.ref) / v(base)),
      // log of the ratio: r − 1 ↦ log r, and 1 − r ↦ −log r.
      scale: worse ? { to: Math.log1p, from: Math.expm1 } : { to: (x) => -Math.log1p(-x), from: (y) => -Math.expm1(-y) },
    };
  }
  const { left, right, op } = g;
  if (!hasMetric(right)) {
    const threshold = evaluateExpr(right, () => NaN);
    return { statistic: formatExpr(left), unit: unitOf(left), op, threshold, fn: (v) => evaluateExpr(left, v), scale: LINEAR };
  }
  const scaled = scaledRef(right);
  if (scaled) {
    return {
      statistic: `${formatExpr(left, true)} / ${refText(scaled.ref)}`,
      unit: 'number',
      op,
      threshold: scaled.factor,
      fn: (v) => evaluateExpr(left, v) / v(scaled.ref),
      scale: { to: Math.log, from: Math.exp },
    };
  }
  return {
    statistic: `${formatExpr(left, true)} - ${formatExpr(right, true)}`,
    unit: unitOf({ kind: 'binary', op: '-', left, right }),
    op,
    threshold: 0,
    fn: (v) => evaluateExpr(left, v) - evaluateExpr(right, v),
    scale: LINEAR,
  };
}

function armLabel(source: Source): string {
  return source === 'baseline' ? 'the baseline result' : 'the result';
}

interface LoadedSamples {
  /** The result, and the baseline runs pooled (their repeats side by side). */
  pooled: Samples;
  /** Per baseline run: the result with that run alone as the baseline. */
  perRun: Samples[];
}

/** Loads every arm sample the gates read, checking the data each metric needs is there. */
function loadSamples(gates: Gate[], result: RunResult, baseline: readonly RunResult[]): LoadedSamples {
  const samples = new Map<Source, Map<ArmName, ArmSample>>([
    ['current', new Map()],
    ['baseline', new Map()],
  ]);
  const perRunArms = baseline.map(() => new Map<ArmName, ArmSample>());
  const get = (source: Source, arm: ArmName, gate: Gate): ArmSample => {
    const bySource = samples.get(source)!;
    let s = bySource.get(arm);
    if (!s) {
      if (source === 'current') {
        s = armSample(result, arm, armLabel(source));
      } else {
        if (baseline.length === 0) {
          throw badInput('gate-needs-baseline', `gate "${gate.text}" compares against a baseline, but none was given`, 'pass --baseline <result.json|name> (save one with `meshbench baseline save`), or --if-no-baseline skip');
        }
        const runs = baseline.map((b) => armSample(b, arm, baseline.length > 1 ? `${armLabel(source)} (run ${b.id})` : armLabel(source)));
        runs.forEach((r, k) => perRunArms[k]!.set(arm, r));
        s = { arm, repeats: runs.flatMap((r) => r.repeats) };
      }
      bySource.set(arm, s);
    }
    return s;
  };
  for (const g of gates) {
    if (g.kind === 'outcome') {
      const s = get('current', g.arm, g);
      if (s.repeats.every((r) => r.recovery === null)) throw noRecovery(g, g.arm);
      continue;
    }
    for (const ref of gateRefs(g)) {
      const s = get(ref.source, ref.arm, g);
      if (ref.metric === 'amplification' && s.repeats.every((r) => r.amplificationPeak === null)) {
        throw badInput('gate-metric-missing', `gate "${g.text}": ${armLabel(ref.source)} has no retry amplification for ${ref.arm} (no service counters were recorded)`, 'amplification needs per-service arrival counters; the embedded backend records them');
      }
      if (ref.metric === 'recoveryS' && s.repeats.every((r) => r.recovery === null)) throw noRecovery(g, ref.arm);
    }
  }
  const perRun = perRunArms.map((arms) => new Map<Source, ReadonlyMap<ArmName, ArmSample>>([['current', samples.get('current')!], ['baseline', arms]]));
  return { pooled: samples, perRun };
}

function noRecovery(g: Gate, arm: ArmName) {
  return badInput('gate-metric-missing', `gate "${g.text}": no recovery was measured for ${arm}`, 'recovery gates need a fault in the scenario (recovery is measured after each fault ends)');
}

const STATUS_WORD: Record<GateOutcomeStatus, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE', skipped: 'SKIPPED' };
const OP_TEXT: Record<CompareOp, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

function evaluateOutcome(g: Extract<Gate, { kind: 'outcome' }>, samples: Samples): GateResult {
  const repeats = samples.get('current')!.get(g.arm)!.repeats.filter((r) => r.recovery !== null);
  const recovered = repeats.filter((r) => r.recovery!.recovered).length;
  const unjudged = repeats.filter((r) => !r.recovery!.judged).length;
  const wanted = g.expectRecovered ? recovered : repeats.length - recovered;
  const status: GateStatus = unjudged > 0 ? 'inconclusive' : wanted === repeats.length ? 'pass' : wanted === 0 ? 'fail' : 'inconclusive';
  const measured = `recovered in ${recovered}/${repeats.length} repeats`;
  const expected = g.expectRecovered ? 'recovers in every repeat' : 'recovers in no repeat';
  const why =
    unjudged > 0
      ? ` — recovery could not be judged in ${unjudged} repeat(s) (too little time measured after an incident, or no steady second before it)`
      : status === 'inconclusive'
        ? ' — the repeats disagree'
        : '';
  return {
    expression: g.text,
    status,
    statistic: `${g.arm}.recovered`,
    unit: 'number',
    measured: recovered,
    interval: null,
    op: null,
    threshold: null,
    text: { measured, interval: '', threshold: expected },
    verdict: `${STATUS_WORD[status]} ${g.text} — ${measured}, expected: ${expected}${why}`,
    validity: [],
  };
}

function evaluateComparison(g: Exclude<Gate, { kind: 'outcome' }>, loaded: LoadedSamples, opts: EvaluateOptions, seed: number): GateResult {
  const j = judged(g);
  const samples = loaded.pooled;
  const boot = bootstrap(samples, j.fn, {
    confidence: opts.confidence,
    iterations: opts.iterations ?? DEFAULT_ITERATIONS,
    rng: seededRng(deriveSeed(seed, g.text)),
  });
  const { point } = boot;
  // Judged against each kept baseline run in turn, the statistic varies as much as runs do.
  const banded = referencesBaseline(g) ? betweenRunBand(loaded.perRun.map((s) => j.scale.to(pointStatistic(s, j.fn))), opts.confidence) : null;
  const band = banded ? { runs: banded.runs, lo: j.scale.from(banded.interval.lo), hi: j.scale.from(banded.interval.hi) } : null;
  const interval = boot.interval && band ? hull(boot.interval, band) : boot.interval;
  const noise = band ? `; between ${band.runs} baseline runs ${formatInterval(band.lo, band.hi, j.unit)}` : '';
  const level = `${trimPct(opts.confidence)} CI`;
  const thresholdUnit = j.unit === 'change' ? 'percent' : j.unit;
  const threshold = `${OP_TEXT[j.op]} ${formatValue(j.threshold, thresholdUnit)}`;
  const measured = formatValue(point, j.unit);
  if (!interval) {
    return {
      expression: g.text,
      status: 'inconclusive',
      statistic: j.statistic,
      unit: j.unit,
      measured: Number.isNaN(point) ? null : point,
      interval: null,
      op: j.op,
      threshold: j.threshold,
      text: { measured, interval: 'undefined', threshold },
      verdict: `${STATUS_WORD.inconclusive} ${g.text} — ${j.statistic} is undefined (division by zero?) in too many resamples`,
      validity: [],
    };
  }
  const status = decide(interval, j.op, j.threshold);
  const span = formatInterval(interval.lo, interval.hi, j.unit);
  const reason =
    status === 'pass'
      ? `whole interval ${threshold}`
      : status === 'fail'
        ? `whole interval violates ${threshold}`
        : `interval straddles ${formatValue(j.threshold, thresholdUnit)}: noise exceeds the margin (more repeats or a longer run narrow it)`;
  return {
    expression: g.text,
    status,
    statistic: j.statistic,
    unit: j.unit,
    measured: point,
    interval,
    op: j.op,
    threshold: j.threshold,
    text: { measured, interval: span, threshold },
    verdict: `${STATUS_WORD[status]} ${g.text} — ${j.statistic} = ${measured} (${level} ${span}${noise}); ${reason}`,
    validity: [],
  };
}

/**
 * A gate on a comparison the run cannot support is inconclusive, whatever its interval says:
 * the verdict keeps what it would have been and says why it is not trusted.
 */
function withValidity(g: Gate, r: GateResult, result: RunResult, baseline: readonly RunResult[]): GateResult {
  const fromBaseline = referencesBaseline(g) ? baseline.flatMap((b) => validityProblems(g, b).map((c) => ({ ...c, message: `baseline${baseline.length > 1 ? ` run ${b.id}` : ''}: ${c.message}` }))) : [];
  const problems = [...validityProblems(g, result), ...fromBaseline];
  if (problems.length === 0) return r;
  const messages = problems.map((p) => p.message);
  const would = r.status === 'inconclusive' ? '' : ` (it would ${r.status})`;
  const rest = r.verdict.slice(r.verdict.indexOf(' '));
  return {
    ...r,
    status: 'inconclusive',
    validity: messages,
    verdict: `${STATUS_WORD.inconclusive}${rest}; not a valid comparison${would}: ${messages.join('; ')}`,
  };
}

function trimPct(c: number): string {
  return `${Number((c * 100).toFixed(2))}%`;
}

function validate(opts: EvaluateOptions): void {
  if (!(opts.confidence > 0.5 && opts.confidence < 1)) {
    throw badInput('gate-confidence', `confidence ${opts.confidence} is out of range`, 'use a level between 0.5 and 1, e.g. 0.95');
  }
  if (opts.inconclusive !== 'pass' && opts.inconclusive !== 'fail') {
    throw badInput('gate-inconclusive', `inconclusive must be "pass" or "fail", not "${String(opts.inconclusive)}"`, 'e.g. --inconclusive fail');
  }
}

/** What a baseline gate judged when there was no baseline. */
export const NEEDS_BASELINE = 'needs a baseline';

/** A baseline gate with no baseline to judge it against. */
function withoutBaseline(g: Gate, missing: MissingBaseline): GateResult {
  const status: GateOutcomeStatus = missing === 'fail' ? 'fail' : 'skipped';
  const why = 'no baseline yet';
  return {
    expression: g.text,
    status,
    statistic: NEEDS_BASELINE,
    unit: 'number',
    measured: null,
    interval: null,
    op: null,
    threshold: null,
    text: { measured: why, interval: '', threshold: 'a baseline to compare with' },
    verdict: `${STATUS_WORD[status]} ${g.text} — ${why} (--if-no-baseline ${missing})`,
    validity: [],
  };
}

/** Judges every gate on the result (and the baseline, for regression gates). */
export function evaluateGates(result: RunResult, exprs: readonly string[], opts: EvaluateOptions): GateReport {
  validate(opts);
  const gates = parseGates(exprs);
  const baseline: readonly RunResult[] = opts.baseline === undefined ? [] : Array.isArray(opts.baseline) ? opts.baseline : [opts.baseline as RunResult];
  const unjudgeable = new Set(baseline.length === 0 && opts.missingBaseline ? gates.filter(referencesBaseline) : []);
  const samples = loadSamples(gates.filter((g) => !unjudgeable.has(g)), result, baseline);
  const seed = opts.seed ?? result.scenario.seed;
  const results = gates.map((g) =>
    unjudgeable.has(g)
      ? withoutBaseline(g, opts.missingBaseline!)
      : withValidity(g, g.kind === 'outcome' ? evaluateOutcome(g, samples.pooled) : evaluateComparison(g, samples, opts, seed), result, baseline),
  );
  const counts: Record<GateOutcomeStatus, number> = { pass: 0, fail: 0, inconclusive: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  const failing = counts.fail > 0 || (opts.inconclusive === 'fail' && counts.inconclusive > 0);
  return {
    scenario: result.scenario.name,
    resultId: result.id,
    baselineId: baseline.at(-1)?.id ?? null,
    baselineRuns: baseline.length,
    missingBaseline: unjudgeable.size > 0 ? opts.missingBaseline! : null,
    confidence: opts.confidence,
    inconclusive: opts.inconclusive,
    gates: results,
    counts,
    exitCode: failing ? 1 : 0,
  };
}

/**
 * What `meshbench run` calls after a run: the scenario's own gates with its gate options.
 * A scenario without gates gives an empty, passing report.
 */
export function gateRunResult(result: RunResult, opts: { baseline?: RunResult; seed?: number } = {}): GateReport {
  const { confidence, inconclusive } = result.scenario.gateOptions;
  return evaluateGates(result, result.scenario.gates, { ...opts, confidence, inconclusive });
}

/** What result.json keeps of each gate. */
export function gateOutcomes(report: GateReport): NonNullable<RunResult['gates']> {
  // `run` never has a baseline, so its gates are never skipped.
  return report.gates.filter((g): g is GateResult & { status: GateStatus } => g.status !== 'skipped').map((g) => ({ expression: g.expression, status: g.status, statistic: g.statistic, value: g.measured, interval: g.interval, text: g.text, verdict: g.verdict }));
}
