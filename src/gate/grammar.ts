// Why: gates live in scenario files and on command lines, written by hand. One small grammar,
// parsed once into typed objects before any statistics run, so a typo is reported with its column
// and a hint instead of silently passing. Dimensions (time vs plain number) are checked here too:
// `meshed.p99 < 25` is an error ("25 what?"), not 25 µs or 25 s by guesswork.
//
//   gate     := '!'? arm '.recovered'
//             | ref 'regresses' ('<' | '<=') number '%'        sugar: X / baseline.X − 1
//             | expr ('<' | '<=' | '>' | '>=') expr
//   expr     := term (('+' | '-') term)*
//   term     := factor (('*' | '/') factor)*
//   factor   := number ('ms' | 's' | '%')? | ref | '(' expr ')' | '-' factor
//   ref      := ('baseline' '.')? arm '.' metric
//
// An SLO (`meshbench capacity --slo 'p99 < 50ms'`) is the same comparison with bare metrics: it
// holds for each arm alike, so it names none, and it has no outcomes, baselines or `regresses`.
import { ARM_NAMES, type ArmName } from '../scenario/types.ts';
import { ExitCode, InternalError, MeshbenchError } from '../core/errors.ts';

export type Metric =
  | 'p50'
  | 'p90'
  | 'p99'
  | 'p999'
  | 'max'
  | 'mean'
  | 'errorRate'
  | 'timeoutRate'
  | 'achievedRps'
  | 'amplification'
  | 'recoveryS';

/** Time metrics are held in milliseconds; the others are plain numbers (rates are fractions). */
export type Dimension = 'time' | 'number';

export const METRIC_DIMENSION: Readonly<Record<Metric, Dimension>> = {
  p50: 'time',
  p90: 'time',
  p99: 'time',
  p999: 'time',
  max: 'time',
  mean: 'time',
  errorRate: 'number',
  timeoutRate: 'number',
  achievedRps: 'number',
  amplification: 'number',
  recoveryS: 'time',
};

/** Accepted spellings; `recovery` reads naturally with a unit (`meshed.recovery < 2s`). */
const METRIC_NAMES: Readonly<Record<string, Metric>> = {
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  p999: 'p999',
  max: 'max',
  mean: 'mean',
  errorRate: 'errorRate',
  timeoutRate: 'timeoutRate',
  achievedRps: 'achievedRps',
  amplification: 'amplification',
  recoveryS: 'recoveryS',
  recovery: 'recoveryS',
};

/** Metrics for which `regresses` is defined, and which direction is worse. */
const REGRESSION_DIRECTION: Partial<Record<Metric, 'higher-is-worse' | 'lower-is-worse'>> = {
  p50: 'higher-is-worse',
  p90: 'higher-is-worse',
  p99: 'higher-is-worse',
  p999: 'higher-is-worse',
  max: 'higher-is-worse',
  mean: 'higher-is-worse',
  amplification: 'higher-is-worse',
  achievedRps: 'lower-is-worse',
};

export type Source = 'current' | 'baseline';
export type CompareOp = '<' | '<=' | '>' | '>=';

export interface MetricRef {
  source: Source;
  arm: ArmName;
  metric: Metric;
}

export type Expr =
  | { kind: 'number'; value: number; dimension: Dimension }
  | { kind: 'metric'; ref: MetricRef }
  | { kind: 'negate'; operand: Expr }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr };

export type Gate =
  | { kind: 'compare'; text: string; left: Expr; op: CompareOp; right: Expr }
  | { kind: 'outcome'; text: string; arm: ArmName; expectRecovered: boolean }
  | {
      kind: 'regression';
      text: string;
      ref: MetricRef;
      direction: 'higher-is-worse' | 'lower-is-worse';
      op: '<' | '<=';
      /** Allowed relative change as a fraction (10 % → 0.1). */
      limit: number;
    };

/** A gate that does not parse: exit 2, with the 1-based column of the problem. */
export class GateSyntaxError extends MeshbenchError {
  readonly expression: string;
  readonly column: number;

  constructor(expression: string, column: number, problem: string, hint: string, what: 'gate' | 'SLO' = 'gate') {
    const caret = `${' '.repeat(column - 1)}^`;
    super('gate-syntax', `${what} "${expression}": ${problem} at column ${column}\n    ${expression}\n    ${caret}`, hint, ExitCode.badInput);
    this.expression = expression;
    this.column = column;
  }
}

type Token =
  | { kind: 'number'; value: number; unit: 'ms' | 's' | '%' | null; pos: number; end: number }
  | { kind: 'ident'; value: string; pos: number; end: number }
  | { kind: 'op'; value: string; pos: number; end: number }
  | { kind: 'end'; pos: number; end: number };

const OPERATORS = ['<=', '>=', '<', '>', '+', '-', '*', '/', '(', ')', '!', '.'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      const start = i;
      i += num[0].length;
      const unit = /^\s*(ms|s|%)(?![A-Za-z0-9_])/.exec(text.slice(i));
      let u: 'ms' | 's' | '%' | null = null;
      if (unit) {
        u = unit[1] as 'ms' | 's' | '%';
        i += unit[0].length;
      } else if (/^[A-Za-z]/.test(text.slice(i))) {
        const word = /^[A-Za-z_]\w*/.exec(text.slice(i))?.[0] ?? '';
        throw new GateSyntaxError(text, i + 1, `unknown unit "${word}"`, 'units are ms, s and % (e.g. 25ms, 2s, 1%)');
      }
      tokens.push({ kind: 'number', value: Number(num[0]), unit: u, pos: start, end: i });
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', value: ident[0], pos: i, end: i + ident[0].length });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', value: op, pos: i, end: i + op.length });
      i += op.length;
      continue;
    }
    const hint = ch === '=' ? 'comparisons are <, <=, > and >= (there is no == or =)' : 'a gate looks like `meshed.p99 < 25ms`';
    throw new GateSyntaxError(text, i + 1, `unexpected "${ch}"`, hint);
  }
  tokens.push({ kind: 'end', pos: text.length, end: text.length });
  return tokens;
}

const COMPARE_OPS: readonly string[] = ['<', '<=', '>', '>='];
const METRIC_LIST = Object.keys(METRIC_NAMES).join(', ');

/** Parsing an SLO: bare metrics, read as metrics of `arm`, limited to what is measured. */
interface SloMode {
  arm: ArmName;
  metrics: readonly Metric[];
}

class Parser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly text: string,
    private readonly slo: SloMode | null = null,
  ) {
    this.tokens = tokenize(text);
  }

  parseGate(): Gate {
    const text = this.text.trim();
    if (text === '') throw this.error(this.peek(), `empty ${this.what}`, this.example);
    const outcome = this.slo ? null : this.tryOutcome();
    if (outcome) return outcome;
    const left = this.expr();
    const next = this.peek();
    if (next.kind === 'ident' && next.value === 'regresses') {
      if (this.slo) throw this.error(next, 'an SLO has no baseline to regress from', 'an SLO is a fixed limit, e.g. `p99 < 50ms`');
      return this.regression(left, text);
    }
    if (next.kind !== 'op' || !COMPARE_OPS.includes(next.value)) {
      throw this.error(
        next,
        next.kind === 'end' ? 'missing comparison' : `expected <, <=, > or >=, found ${describe(next)}`,
        this.slo ? 'an SLO compares a metric with a limit, e.g. `p99 < 50ms` or `errorRate < 0.1%`' : 'a gate compares two sides, e.g. `meshed.p99 < 25ms` or `meshed.p99 / direct.p99 < 1.3`',
      );
    }
    this.i++;
    const rightStart = this.peek();
    const right = this.expr();
    this.expectEnd();
    const dl = dimensionOf(left);
    const dr = dimensionOf(right);
    if (dl !== dr) {
      const hint =
        dl === 'time' && isPlainNumber(right)
          ? `give the threshold a unit, e.g. ${formatLiteral(right)}ms or ${formatLiteral(right)}s`
          : 'both sides must be times (ms, s) or both plain numbers (ratios, rates, %)';
      throw this.error(rightStart, `cannot compare a ${dimName(dl)} with a ${dimName(dr)}`, hint);
    }
    if (!hasMetric(left) && !hasMetric(right)) {
      throw this.error(this.tokens[0] ?? next, `${this.what} has no metric`, `name one, e.g. ${this.slo ? 'p99' : 'meshed.p99'}; metrics: ${this.metricList}`);
    }
    return { kind: 'compare', text, left, op: next.value as CompareOp, right };
  }

  /** `meshed.recovered` or `!direct.recovered`, and nothing else. */
  private tryOutcome(): Gate | null {
    const start = this.i;
    const negated = this.peekOp('!');
    if (negated) this.i++;
    const arm = this.peek();
    const dot = this.tokens[this.i + 1];
    const name = this.tokens[this.i + 2];
    if (arm?.kind === 'ident' && dot?.kind === 'op' && dot.value === '.' && name?.kind === 'ident' && name.value === 'recovered') {
      const armName = this.arm(arm);
      this.i += 3;
      this.expectEnd('`recovered` is a yes/no outcome and stands alone');
      return { kind: 'outcome', text: this.text.trim(), arm: armName, expectRecovered: !negated };
    }
    if (negated) throw this.error(this.tokens[start] ?? arm, '"!" only negates an outcome', 'write `!direct.recovered`');
    this.i = start;
    return null;
  }

  private regression(left: Expr, text: string): Gate {
    const word = this.peek();
    if (left.kind !== 'metric' || left.ref.source !== 'current') {
      throw this.error(this.tokens[0] ?? word, '`regresses` needs a single metric of this run on its left', 'e.g. `meshed.p99 regresses < 10%`');
    }
    const direction = REGRESSION_DIRECTION[left.ref.metric];
    if (!direction) {
      throw this.error(word, `\`regresses\` is not defined for ${left.ref.metric}`, `compare with the baseline explicitly, e.g. ${left.ref.arm}.${left.ref.metric} - baseline.${left.ref.arm}.${left.ref.metric} < 0.5%`);
    }
    this.i++;
    const op = this.peek();
    if (op.kind !== 'op' || (op.value !== '<' && op.value !== '<=')) {
      throw this.error(op, 'expected < or <= after `regresses`', 'e.g. `meshed.p99 regresses < 10%`');
    }
    this.i++;
    const limit = this.peek();
    if (limit.kind !== 'number' || limit.unit !== '%') {
      throw this.error(limit, 'expected a percentage after `regresses <`', 'e.g. `meshed.p99 regresses < 10%`');
    }
    this.i++;
    this.expectEnd();
    return { kind: 'regression', text, ref: left.ref, direction, op: op.value, limit: limit.value / 100 };
  }

  private expr(): Expr {
    let left = this.term();
    while (this.peekOp('+') || this.peekOp('-')) {
      const op = this.next() as Token & { value: '+' | '-' };
      const right = this.term();
      const dl = dimensionOf(left);
      const dr = dimensionOf(right);
      if (dl !== dr) throw this.error(op, `cannot ${op.value === '+' ? 'add' : 'subtract'} a ${dimName(dr)} ${op.value === '+' ? 'to' : 'from'} a ${dimName(dl)}`, 'give numbers a unit when they are times, e.g. 2ms');
      left = { kind: 'binary', op: op.value, left, right };
    }
    return left;
  }

  private term(): Expr {
    let left = this.factor();
    while (this.peekOp('*') || this.peekOp('/')) {
      const op = this.next() as Token & { value: '*' | '/' };
      const right = this.factor();
      const dl = dimensionOf(left);
      const dr = dimensionOf(right);
      if (op.value === '*' && dl === 'time' && dr === 'time') throw this.error(op, 'cannot multiply two times', 'scale a time by a plain number, e.g. baseline.meshed.p99 * 1.1');
      if (op.value === '/' && dl === 'number' && dr === 'time') throw this.error(op, 'cannot divide a plain number by a time', 'ratios divide a time by a time, e.g. meshed.p99 / direct.p99');
      left = { kind: 'binary', op: op.value, left, right };
    }
    return left;
  }

  private factor(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.i++;
      if (t.unit === 'ms') return { kind: 'number', value: t.value, dimension: 'time' };
      if (t.unit === 's') return { kind: 'number', value: t.value * 1000, dimension: 'time' };
      if (t.unit === '%') return { kind: 'number', value: t.value / 100, dimension: 'number' };
      return { kind: 'number', value: t.value, dimension: 'number' };
    }
    if (t.kind === 'op' && t.value === '(') {
      this.i++;
      const inner = this.expr();
      const close = this.peek();
      if (!(close.kind === 'op' && close.value === ')')) throw this.error(close, `expected ")", found ${describe(close)}`, 'parentheses must be balanced');
      this.i++;
      return inner;
    }
    if (t.kind === 'op' && t.value === '-') {
      this.i++;
      return { kind: 'negate', operand: this.factor() };
    }
    if (t.kind === 'ident') return { kind: 'metric', ref: this.ref() };
    throw this.error(t, `expected a metric or a number, found ${describe(t)}`, `metrics look like ${this.slo ? 'p99' : 'meshed.p99'}; numbers like 25ms, 1.3 or 1%`);
  }

  private get what(): 'gate' | 'SLO' {
    return this.slo ? 'SLO' : 'gate';
  }

  private get example(): string {
    return this.slo ? 'an SLO looks like `p99 < 50ms`' : 'a gate looks like `meshed.p99 < 25ms`';
  }

  private get metricList(): string {
    return this.slo ? this.slo.metrics.join(', ') : METRIC_LIST;
  }

  /** A bare metric of an SLO: `p99`, never `meshed.p99`. */
  private sloRef(slo: SloMode): MetricRef {
    const m = this.next();
    if (m.kind !== 'ident') throw this.error(m, `expected a metric, found ${describe(m)}`, `metrics: ${this.metricList}`);
    if (m.value === 'baseline' || (ARM_NAMES as readonly string[]).includes(m.value)) {
      throw this.error(m, `an SLO names no arm or baseline ("${m.value}")`, 'it holds for every arm alike: write the bare metric, e.g. `p99 < 50ms`');
    }
    const metric = METRIC_NAMES[m.value];
    if (!metric) throw this.error(m, `unknown metric "${m.value}"`, `metrics: ${this.metricList}`);
    if (!slo.metrics.includes(metric)) throw this.error(m, `"${m.value}" is not measured here`, `SLO metrics: ${this.metricList}`);
    return { source: 'current', arm: slo.arm, metric };
  }

  private ref(): MetricRef {
    if (this.slo) return this.sloRef(this.slo);
    let first = this.next();
    let source: Source = 'current';
    if (first.kind === 'ident' && first.value === 'baseline') {
      source = 'baseline';
      this.expectOp('.', 'write baseline.<arm>.<metric>, e.g. baseline.meshed.p99');
      first = this.next();
    }
    if (first.kind !== 'ident') throw this.error(first, `expected an arm name, found ${describe(first)}`, `arms: ${ARM_NAMES.join(', ')}`);
    const arm = this.arm(first);
    this.expectOp('.', `write ${arm}.<metric>, e.g. ${arm}.p99`);
    const m = this.next();
    if (m.kind !== 'ident' && m.kind !== 'number') throw this.error(m, `expected a metric, found ${describe(m)}`, `metrics: ${METRIC_LIST}`);
    const name = this.text.slice(m.pos, m.end).trim();
    if (name === 'recovered') throw this.error(m, '`recovered` is a yes/no outcome and stands alone', `write \`${arm}.recovered\` or \`!${arm}.recovered\` as its own gate`);
    const metric = METRIC_NAMES[name];
    if (!metric) throw this.error(m, `unknown metric "${name}"`, `metrics: ${METRIC_LIST}`);
    return { source, arm, metric };
  }

  private arm(t: Token & { kind: 'ident' }): ArmName {
    if (!(ARM_NAMES as readonly string[]).includes(t.value)) {
      throw this.error(t, `unknown arm "${t.value}"`, `arms: ${ARM_NAMES.join(', ')}; a baseline is baseline.<arm>.<metric>`);
    }
    return t.value as ArmName;
  }

  private expectOp(value: string, hint: string): void {
    const t = this.next();
    if (!(t.kind === 'op' && t.value === value)) throw this.error(t, `expected "${value}", found ${describe(t)}`, hint);
  }

  private expectEnd(hint = 'one comparison per gate; list more gates separately'): void {
    const t = this.peek();
    if (t.kind !== 'end') throw this.error(t, `unexpected ${describe(t)} after the end of the gate`, hint);
  }

  private peek(): Token {
    return this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]!;
  }

  private peekOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private error(t: Token, problem: string, hint: string): GateSyntaxError {
    return new GateSyntaxError(this.text, t.pos + 1, problem, hint, this.what);
  }
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end';
  if (t.kind === 'number') return `"${t.value}${t.unit ?? ''}"`;
  return `"${t.value}"`;
}

function dimName(d: Dimension): string {
  return d === 'time' ? 'time' : 'plain number';
}

function isPlainNumber(e: Expr): e is Extract<Expr, { kind: 'number' }> {
  return e.kind === 'number' && e.dimension === 'number';
}

function formatLiteral(e: Expr): string {
  return e.kind === 'number' ? String(e.value) : '25';
}

export function dimensionOf(e: Expr): Dimension {
  switch (e.kind) {
    case 'number':
      return e.dimension;
    case 'metric':
      return METRIC_DIMENSION[e.ref.metric];
    case 'negate':
      return dimensionOf(e.operand);
    case 'binary': {
      const l = dimensionOf(e.left);
      const r = dimensionOf(e.right);
      if (e.op === '*') return l === 'time' || r === 'time' ? 'time' : 'number';
      if (e.op === '/') return l === 'time' && r === 'number' ? 'time' : 'number';
      return l;
    }
  }
}

export function hasMetric(e: Expr): boolean {
  return metricRefs(e).length > 0;
}

/** Every metric an expression reads, in order of appearance. */
export function metricRefs(e: Expr): MetricRef[] {
  switch (e.kind) {
    case 'number':
      return [];
    case 'metric':
      return [e.ref];
    case 'negate':
      return metricRefs(e.operand);
    case 'binary':
      return [...metricRefs(e.left), ...metricRefs(e.right)];
  }
}

/** Every metric a gate reads (outcomes read none: they look at recovery records). */
export function gateRefs(g: Gate): MetricRef[] {
  if (g.kind === 'compare') return [...metricRefs(g.left), ...metricRefs(g.right)];
  if (g.kind === 'regression') return [g.ref, { ...g.ref, source: 'baseline' }];
  return [];
}

export function referencesBaseline(g: Gate): boolean {
  return gateRefs(g).some((r) => r.source === 'baseline');
}

/** Evaluates an expression given each metric's value (ms for times). */
export function evaluateExpr(e: Expr, value: (ref: MetricRef) => number): number {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'metric':
      return value(e.ref);
    case 'negate':
      return -evaluateExpr(e.operand, value);
    case 'binary': {
      const l = evaluateExpr(e.left, value);
      const r = evaluateExpr(e.right, value);
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      return l / r;
    }
  }
}

/** Parses one gate expression; throws GateSyntaxError (exit 2) with column and hint. */
export function parseGate(text: string): Gate {
  return new Parser(text).parseGate();
}

/**
 * Parses an SLO such as `p99 < 50ms`: a comparison of bare metrics, read as metrics of `arm`
 * (so `p99 < 50ms` for meshed is the gate `meshed.p99 < 50ms`), limited to `metrics`.
 * Same grammar, same GateSyntaxError with column and hint.
 */
export function parseSlo(text: string, arm: ArmName, metrics: readonly Metric[]): Extract<Gate, { kind: 'compare' }> {
  const gate = new Parser(text, { arm, metrics }).parseGate();
  if (gate.kind !== 'compare') throw new InternalError(`SLO "${text}" parsed as a ${gate.kind}`);
  return gate;
}

/** Parses every gate, reporting all that do not parse at once. */
export function parseGates(texts: readonly string[]): Gate[] {
  const gates: Gate[] = [];
  const errors: GateSyntaxError[] = [];
  for (const t of texts) {
    try {
      gates.push(parseGate(t));
    } catch (err) {
      if (err instanceof GateSyntaxError) errors.push(err);
      else throw err;
    }
  }
  const [first] = errors;
  if (!first) return gates;
  if (errors.length === 1) throw first;
  throw new MeshbenchError('gate-syntax', `${errors.length} gates do not parse:\n${errors.map((e) => e.message).join('\n')}`, first.hint, ExitCode.badInput);
}
