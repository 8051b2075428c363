// Why: the scenario is read from the YAML syntax tree rather than from plain JS values, so every
// problem can name its line and column. These readers check one value each, record a problem
// (with a hint) instead of throwing, and return a placeholder, so one pass finds every mistake.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { InternalError } from '../core/errors.ts';
import { ACCEPTED_KEYS } from './accepted-keys.ts';
import { didYouMean } from './did-you-mean.ts';
import { DURATION_UNITS, parseDuration } from './duration.ts';
import type { ScenarioProblem } from './scenario-error.ts';

/** Where a problem points: a node, or a source offset when the value is missing. */
export type Position = Node | number;

export class ReadContext {
  readonly problems: ScenarioProblem[] = [];

  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The node itself, an alias's target, or undefined for nothing / an explicit YAML null. */
  resolve(value: unknown): Node | undefined {
    const node = isAlias(value) ? value.resolve(this.doc) : value;
    if (node === undefined || node === null) return undefined;
    if (isScalar(node) && node.value === null) return undefined;
    return node as Node;
  }

  /** The value node at a key path from the document root, when the document has one there. */
  nodeAt(keyPath: ReadonlyArray<string | number>): Node | undefined {
    return this.resolve(this.doc.getIn(keyPath, true));
  }

  report(at: Position, path: string, message: string, hint: string): void {
    const offset = typeof at === 'number' ? at : (at.range?.[0] ?? 0);
    const { line, col } = this.lines.linePos(offset);
    this.problems.push({ file: this.file, line, column: col, path, message, hint });
  }

  /** True when no problem was reported at `path` or inside it (cross-checks skip bad fields). */
  isValid(path: string): boolean {
    return !this.problems.some(
      (p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`),
    );
  }
}

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** How to choose a good value; shown when the value is out of range. */
  hint: string;
}

/** Durations are never negative; `above` makes zero an error too. */
export interface DurationRule {
  /** Exclusive lower bound in ms. */
  above?: number;
  hint?: string;
}

export interface ListItem {
  node: Node;
  path: string;
}

export function describe(node: Node): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return JSON.stringify(node.value);
  return 'an alias';
}

/** Source text of a scalar, so `zone: no` or `x-id: 007` keep the characters written. */
function scalarText(node: Node): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (typeof node.value === 'number' || typeof node.value === 'boolean') return node.source ?? String(node.value);
  return undefined;
}

export function readString(ctx: ReadContext, node: Node, path: string, hint = 'write it as text'): string | undefined {
  const text = scalarText(node);
  if (text === undefined || text.trim() === '') {
    ctx.report(node, path, `must be non-empty text, found ${describe(node)}`, hint);
    return undefined;
  }
  return text;
}

export function readHttpUrl(ctx: ReadContext, node: Node, path: string): string | undefined {
  const text = readString(ctx, node, path);
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.report(node, path, `"${text}" is not an http URL`, 'write it like http://127.0.0.1:8080');
    return undefined;
  }
  return text;
}


export function readNumber(ctx: ReadContext, node: Node, path: string, rule: NumberRule): number | undefined {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const looksLikeDuration = typeof value === 'string' && parseDuration(value) !== null;
    ctx.report(
      node,
      path,
      `must be a ${rule.integer ? 'whole number' : 'number'}, found ${describe(node)}`,
      looksLikeDuration ? 'this field is a plain number, not a duration; drop the unit' : rule.hint,
    );
    return undefined;
  }
  if (rule.integer && !Number.isInteger(value)) {
    ctx.report(node, path, `must be a whole number, found ${value}`, rule.hint);
    return undefined;
  }
  const tooLow =
    (rule.min !== undefined && value < rule.min) || (rule.above !== undefined && value <= rule.above);
  const tooHigh = rule.max !== undefined && value > rule.max;
  if (tooLow || tooHigh) {
    ctx.report(node, path, `must be ${rangeText(rule)}, found ${value}`, rule.hint);
    return undefined;
  }
  return value;
}

function rangeText(rule: { min?: number; max?: number; above?: number }): string {
  const low = rule.above !== undefined ? `above ${rule.above}` : rule.min !== undefined ? `at least ${rule.min}` : '';
  const high = rule.max !== undefined ? `at most ${rule.max}` : '';
  return [low, high].filter((s) => s !== '').join(' and ');
}

export function readDuration(ctx: ReadContext, node: Node, path: string, rule: DurationRule = {}): number | undefined {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value === 'number') {
    ctx.report(node, path, `${node.toString()} has no unit`, `durations need a unit: write 10ms or 3s; units are ${DURATION_UNITS}`);
    return undefined;
  }
  const ms = typeof value === 'string' ? parseDuration(value) : null;
  if (ms === null) {
    ctx.report(node, path, `must be a duration, found ${describe(node)}`, `write a number with a unit, e.g. 10ms or 3s; units are ${DURATION_UNITS}`);
    return undefined;
  }
  if (rule.above !== undefined && ms <= rule.above) {
    ctx.report(node, path, `must be longer than ${rule.above}ms, found ${String(value)}`, rule.hint ?? 'use a longer duration');
    return undefined;
  }
  return ms;
}

export function readBool(ctx: ReadContext, node: Node, path: string): boolean | undefined {
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  ctx.report(node, path, `must be true or false, found ${describe(node)}`, 'write true or false');
  return undefined;
}

export function readEnum<T extends string>(
  ctx: ReadContext,
  node: Node,
  path: string,
  values: readonly T[],
  what = 'value',
): T | undefined {
  const text = scalarText(node);
  if (text !== undefined && (values as readonly string[]).includes(text)) return text as T;
  const guess = text === undefined ? null : didYouMean(text, values);
  const choices = `known ${what}s: ${values.join(', ')}`;
  ctx.report(
    node,
    path,
    `${describe(node)} is not a known ${what}`,
    guess === null ? choices : `did you mean "${guess}"? ${choices}`,
  );
  return undefined;
}

export function readList(ctx: ReadContext, node: Node, path: string): ListItem[] | undefined {
  if (!isSeq(node)) {
    ctx.report(node, path, `must be a list, found ${describe(node)}`, 'write one "- item" per line, or [a, b]');
    return undefined;
  }
  const items: ListItem[] = [];
  node.items.forEach((item, i) => {
    const resolved = ctx.resolve(item);
    const itemPath = `${path}[${i}]`;
    if (resolved === undefined) {
      ctx.report(isScalar(item) ? item : node, itemPath, 'is an empty list item', 'remove the lone "-" or give it a value');
    } else {
      items.push({ node: resolved, path: itemPath });
    }
  });
  return items;
}

/** A map with free keys and text values (headers, subset labels). */
export function readTextMap(
  ctx: ReadContext,
  node: Node,
  path: string,
  checkKey: (key: string, keyNode: Node, keyPath: string) => void,
): Record<string, string> | undefined {
  if (!isMap(node)) {
    ctx.report(node, path, `must be a map, found ${describe(node)}`, 'write one "name: value" per line');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const pair of node.items) {
    const keyNode = ctx.resolve(pair.key);
    const key = keyNode === undefined ? undefined : scalarText(keyNode);
    if (keyNode === undefined || key === undefined) continue;
    const keyPath = `${path}.${key}`;
    checkKey(key, keyNode, keyPath);
    const valueNode = ctx.resolve(pair.value);
    const value = valueNode === undefined ? undefined : readString(ctx, valueNode, keyPath);
    if (valueNode === undefined) ctx.report(keyNode, keyPath, 'has no value', 'write "name: value"');
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * One YAML map checked against its shape in ACCEPTED_KEYS. An absent map reads as empty, so
 * defaults apply and a missing required key is reported at the nearest enclosing position.
 */
export class MapReader {
  private readonly map: YAMLMap | undefined;
  private readonly keys: readonly string[];

  constructor(
    readonly ctx: ReadContext,
    node: Node | undefined,
    readonly path: string,
    readonly shape: string,
    private readonly fallbackAt: Position,
    /** A better hint for an unknown key than the list of known ones, when there is one. */
    private readonly explainUnknown: (key: string) => string | null = () => null,
  ) {
    const keys = ACCEPTED_KEYS[shape];
    if (keys === undefined) throw new InternalError(`no accepted keys for shape "${shape}"`);
    this.keys = keys;
    if (node !== undefined && !isMap(node)) {
      ctx.report(node, path || '(top level)', `must be a map, found ${describe(node)}`, 'write one "key: value" per line');
    }
    this.map = isMap(node) ? node : undefined;
    this.checkKeys();
  }

  /** Where the map starts, for problems about a key that is missing. */
  get position(): Position {
    return this.map ?? this.fallbackAt;
  }

  pathOf(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** The value node of `key`, or undefined when the key is absent or null. */
  node(key: string): Node | undefined {
    if (!this.keys.includes(key)) throw new InternalError(`key "${key}" read but not accepted by shape "${this.shape}"`);
    const pair = this.map?.items.find((p) => this.keyText(p.key) === key);
    return pair === undefined ? undefined : this.ctx.resolve(pair.value);
  }

  has(key: string): boolean {
    return this.node(key) !== undefined;
  }

  /** The accepted keys the map actually sets, in the order written. */
  presentKeys(): string[] {
    return (this.map?.items ?? []).map((p) => this.keyText(p.key)).filter((k): k is string => k !== undefined && this.keys.includes(k) && this.has(k));
  }

  /** The node of `key`, or a "required" problem. */
  required(key: string, hint: string): Node | undefined {
    const node = this.node(key);
    if (node === undefined) {
      const present = this.map?.items.find((p) => this.keyText(p.key) === key);
      const at = this.ctx.resolve(present?.key) ?? this.position;
      this.ctx.report(at, this.pathOf(key), present === undefined ? 'is required' : 'is empty', hint);
    }
    return node;
  }

  string(key: string, fallback: string, hint?: string): string {
    const node = this.node(key);
    return node === undefined ? fallback : (readString(this.ctx, node, this.pathOf(key), hint) ?? fallback);
  }

  requiredString(key: string, hint: string): string {
    const node = this.required(key, hint);
    return node === undefined ? '' : (readString(this.ctx, node, this.pathOf(key), hint) ?? '');
  }

  number(key: string, rule: NumberRule, fallback: number): number {
    const node = this.node(key);
    return node === undefined ? fallback : (readNumber(this.ctx, node, this.pathOf(key), rule) ?? fallback);
  }

  requiredNumber(key: string, rule: NumberRule): number {
    const node = this.required(key, rule.hint);
    return node === undefined ? Number.NaN : (readNumber(this.ctx, node, this.pathOf(key), rule) ?? Number.NaN);
  }

  /** A number, or null when absent or written as `none`. */
  numberOrNone(key: string, rule: NumberRule): number | null {
    const node = this.node(key);
    if (node === undefined || (isScalar(node) && node.value === 'none')) return null;
    return readNumber(this.ctx, node, this.pathOf(key), { ...rule, hint: `${rule.hint}, or none` }) ?? null;
  }

  duration(key: string, rule: DurationRule, fallback: number): number {
    const node = this.node(key);
    return node === undefined ? fallback : (readDuration(this.ctx, node, this.pathOf(key), rule) ?? fallback);
  }

  requiredDuration(key: string, rule: DurationRule, hint: string): number {
    const node = this.required(key, hint);
    return node === undefined ? Number.NaN : (readDuration(this.ctx, node, this.pathOf(key), rule) ?? Number.NaN);
  }

  /** A duration, or null when absent or written as `none`. */
  durationOrNone(key: string, rule: DurationRule): number | null {
    const node = this.node(key);
    if (node === undefined || (isScalar(node) && node.value === 'none')) return null;
    return readDuration(this.ctx, node, this.pathOf(key), rule) ?? null;
  }

  bool(key: string, fallback: boolean): boolean {
    const node = this.node(key);
    return node === undefined ? fallback : (readBool(this.ctx, node, this.pathOf(key)) ?? fallback);
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const node = this.node(key);
    return node === undefined ? fallback : (readEnum(this.ctx, node, this.pathOf(key), values) ?? fallback);
  }

  child(key: string, shape = this.childShape(key)): MapReader {
    return new MapReader(this.ctx, this.node(key), this.pathOf(key), shape, this.position);
  }

  list(key: string): ListItem[] {
    const node = this.node(key);
    return node === undefined ? [] : (readList(this.ctx, node, this.pathOf(key)) ?? []);
  }

  private childShape(key: string): string {
    return this.shape === '' ? key : `${this.shape}.${key}`;
  }

  private keyText(key: unknown): string | undefined {
    const node = this.ctx.resolve(key);
    return node === undefined ? undefined : scalarText(node);
  }

  private checkKeys(): void {
    for (const pair of this.map?.items ?? []) {
      const keyNode = this.ctx.resolve(pair.key);
      const key = this.keyText(pair.key);
      if (keyNode === undefined || key === undefined) continue;
      if (this.keys.includes(key)) continue;
      const guess = didYouMean(key, this.keys);
      this.ctx.report(
        keyNode,
        this.pathOf(key),
        'unknown key',
        guess !== null ? `did you mean "${guess}"?` : (this.explainUnknown(key) ?? `known keys here: ${this.keys.join(', ')}`),
      );
    }
  }
}
