// Why: a capacity knee is "the highest rate that still meets every SLO", so SLOs must be upper
// limits on one metric a step measures. They are parsed by the gate grammar (same errors, same
// columns), then reduced to {metric, limit} so a step is judged by a plain comparison. Errors and
// drops always end a ramp: without an errorRate SLO, an implicit `errorRate <= 0.1%` applies.
import { badInput } from '../core/errors.ts';
import { evaluateExpr, metricRefs, parseSlo, type Expr, type Metric } from '../gate/grammar.ts';
import type { ArmName } from '../scenario/types.ts';

/** What one capacity step measures (latencies in ms of successful requests, rates as fractions). */
export const STEP_METRICS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean', 'errorRate', 'timeoutRate'] as const satisfies readonly Metric[];
export type StepMetric = (typeof STEP_METRICS)[number];
export type StepMetrics = Record<StepMetric, number>;

export interface Slo {
  /** As written, or the implicit one's text. */
  text: string;
  metric: StepMetric;
  /** In ms for latencies, a fraction for rates. */
  limit: number;
  /** `<=` rather than `<`. */
  inclusive: boolean;
  /** Added by meshbench, not given by the user. */
  implicit: boolean;
}

export const IMPLICIT_ERROR_SLO: Slo = { text: 'errorRate <= 0.1%', metric: 'errorRate', limit: 0.001, inclusive: true, implicit: true };

const SHAPE_HINT = 'an SLO is an upper limit on one metric, e.g. `p99 < 50ms` or `errorRate < 0.1%`';

/** Parses the user's SLOs (exit 2 with column and hint on a mistake) and adds the implicit one. */
export function parseSlos(texts: readonly string[], arm: ArmName): Slo[] {
  if (texts.length === 0) throw badInput('E_SLO_MISSING', 'capacity needs at least one --slo', "give the latency you promise, e.g. --slo 'p99 < 50ms'");
  const slos = texts.map((text) => toSlo(text, arm));
  return slos.some((s) => s.metric === 'errorRate') ? slos : [...slos, IMPLICIT_ERROR_SLO];
}

function toSlo(text: string, arm: ArmName): Slo {
  // An SLO reads the same for every arm; the arm only names whose metric the gate would read.
  const gate = parseSlo(text, arm, STEP_METRICS);
  const leftRefs = metricRefs(gate.left);
  const rightRefs = metricRefs(gate.right);
  const metricSide = leftRefs.length > 0 ? gate.left : gate.right;
  const limitSide = leftRefs.length > 0 ? gate.right : gate.left;
  if (leftRefs.length + rightRefs.length !== 1 || metricSide.kind !== 'metric') {
    throw badInput('E_SLO_SHAPE', `SLO "${text}" must compare a single metric with a limit`, SHAPE_HINT);
  }
  const upper = metricSide === gate.left ? gate.op === '<' || gate.op === '<=' : gate.op === '>' || gate.op === '>=';
  if (!upper) {
    throw badInput(
      'E_SLO_SHAPE',
      `SLO "${text}" bounds ${metricSide.ref.metric} from below; a knee is the highest rate that still meets every SLO, which needs upper limits`,
      SHAPE_HINT,
    );
  }
  return {
    text: text.trim(),
    metric: metricSide.ref.metric as StepMetric,
    limit: constant(limitSide),
    inclusive: gate.op === '<=' || gate.op === '>=',
    implicit: false,
  };
}

function constant(e: Expr): number {
  return evaluateExpr(e, () => Number.NaN);
}

/** The SLOs a step's metrics break (empty: the step meets every SLO). */
export function brokenSlos(slos: readonly Slo[], m: StepMetrics): Slo[] {
  return slos.filter((s) => !(s.inclusive ? m[s.metric] <= s.limit : m[s.metric] < s.limit));
}

/** The loosest latency limit among the SLOs (ms), or null when none limits a latency: what a
 * step may wait for before a request is surely too late for every SLO. */
export function latencyLimitMs(slos: readonly Slo[]): number | null {
  const limits = slos.filter((s) => s.metric !== 'errorRate' && s.metric !== 'timeoutRate').map((s) => s.limit);
  return limits.length > 0 ? Math.max(...limits) : null;
}
