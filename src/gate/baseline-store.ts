// Why: a regression gate needs the last good runs to compare with. A baseline is that history
// (baseline-policy.ts) saved under a name (usually the scenario's) in a directory a CI cache or
// the repository keeps, so `--baseline main` works the same on a laptop and in a pipeline. This
// is the I/O edge: names, files, atomic writes, and reading old single-result baselines.
import { mkdir, readdir, readFile, rename, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { badInput } from '../core/errors.ts';
import { RESULT_SCHEMA, type RunResult } from '../result/types.ts';
import { runResultFromDocument } from '../result/read.ts';
import { BASELINE_SCHEMA, BASELINE_VERSION, singleRunBaseline, type BaselineDoc, type BaselineRun } from './baseline-policy.ts';

export const DEFAULT_BASELINE_DIR = '.meshbench/baselines';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface StoredBaseline {
  name: string;
  path: string;
  doc: BaselineDoc;
}

/** The runs' results, oldest first. */
export function baselineResults(b: StoredBaseline): RunResult[] {
  return b.doc.runs.map((r) => r.result);
}

/** The default name: the scenario's name, made safe for a file name. */
export function defaultBaselineName(result: RunResult): string {
  return result.scenario.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'baseline';
}

function checkName(name: string): void {
  if (!NAME.test(name) || name.length > 100) {
    const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
    throw badInput('baseline-name', `baseline name ${shown} is not a name: it must start with a letter or digit and hold only letters, digits, ".", "_" and "-"`, 'e.g. --name main; to compare with a result file, pass its path to `meshbench gate --baseline`');
  }
}

export function baselinePath(dir: string, name: string): string {
  checkName(name);
  return path.join(dir, `${name}.json`);
}

/** Writes the baseline (atomically: a reader never sees half a file). */
export async function writeBaseline(doc: BaselineDoc, dir: string): Promise<string> {
  const file = baselinePath(dir, doc.name);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(doc)}\n`);
  await rename(tmp, file);
  return file;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** A file path (names a file that must exist), as opposed to a baseline name (which may not exist yet). */
export function isPathRef(ref: string): boolean {
  return ref.endsWith('.json') || ref.includes('/');
}

/** `ref` is a result or baseline file (a path, or anything ending in .json) or a baseline name in `dir`; null when it does not exist. */
export async function findBaseline(ref: string, dir: string): Promise<StoredBaseline | null> {
  if (isPathRef(ref) || (await isFile(ref))) {
    return (await isFile(ref)) ? readBaselineFile(ref, path.basename(ref, '.json')) : null;
  }
  const file = baselinePath(dir, ref);
  return (await isFile(file)) ? readBaselineFile(file, ref) : null;
}

/** Like findBaseline, but a missing baseline is bad input naming what is there. */
export async function loadBaseline(ref: string, dir: string): Promise<StoredBaseline> {
  const found = await findBaseline(ref, dir);
  if (found) return found;
  if (isPathRef(ref)) throw badInput('baseline-missing', `no baseline file ${ref}`, 'pass a result.json from `meshbench run` or a file written by `meshbench baseline save`');
  const known = (await listBaselineNames(dir)).join(', ') || 'none';
  throw badInput('baseline-missing', `no baseline "${ref}" in ${dir} (baselines there: ${known})`, 'save one with `meshbench baseline save <result.json> --name <name>`; in CI, restore the cache before gating, or pass --if-no-baseline skip');
}

/** Baseline `name` in `dir`, or null; a name is an identifier, never a path (`../../etc/passwd` is refused). */
export async function findNamedBaseline(name: string, dir: string): Promise<StoredBaseline | null> {
  const file = baselinePath(dir, name);
  return (await isFile(file)) ? readBaselineFile(file, name) : null;
}

async function readBaselineFile(file: string, name: string): Promise<StoredBaseline> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw badInput('baseline-unreadable', `cannot read baseline ${file}: ${(err as Error).message}`, 'save the baseline again with `meshbench baseline save`');
  }
  const schema = (doc as { schema?: unknown } | null)?.schema;
  // A plain result.json, or a baseline saved before baselines kept several runs.
  if (schema === RESULT_SCHEMA) return { name, path: file, doc: singleRunBaseline(name, runResultFromDocument(doc, file)) };
  if (schema !== BASELINE_SCHEMA) {
    throw badInput('baseline-schema', `${file} is neither a meshbench baseline nor a run result (schema: ${JSON.stringify(schema)})`, 'pass a result.json from `meshbench run` or a file written by `meshbench baseline save`');
  }
  return { name, path: file, doc: parseBaselineDoc(doc as Record<string, unknown>, file) };
}

function parseBaselineDoc(d: Record<string, unknown>, file: string): BaselineDoc {
  const bad = (field: string, what: string) => badInput('baseline-invalid', `${file}: ${field} ${what}`, 'the baseline file was changed after `meshbench baseline save` wrote it; save it again');
  if (d.version !== BASELINE_VERSION) throw bad('version', `is ${JSON.stringify(d.version)}; this meshbench reads baseline version ${BASELINE_VERSION}`);
  if (typeof d.name !== 'string') throw bad('name', 'is not a string');
  const scenario = d.scenario as { name?: unknown; hash?: unknown } | undefined;
  if (typeof scenario?.name !== 'string' || typeof scenario.hash !== 'string') throw bad('scenario', 'must be {name, hash}');
  if (!Number.isInteger(d.keep) || (d.keep as number) < 1) throw bad('keep', 'must be a positive integer');
  if (!Array.isArray(d.runs) || d.runs.length === 0) throw bad('runs', 'must be a non-empty list');
  const runs: BaselineRun[] = d.runs.map((r: unknown, i: number) => {
    const run = r as { savedAt?: unknown; forced?: unknown; result?: unknown };
    if (typeof run?.savedAt !== 'string') throw bad(`runs[${i}].savedAt`, 'is not a string');
    if (run.forced !== null && !(Array.isArray(run.forced) && run.forced.every((f) => typeof f === 'string'))) throw bad(`runs[${i}].forced`, 'must be null or a list of strings');
    return { savedAt: run.savedAt, forced: run.forced as string[] | null, result: runResultFromDocument(run.result, `${file} runs[${i}].result`) };
  });
  return { schema: BASELINE_SCHEMA, version: BASELINE_VERSION, name: d.name, scenario: { name: scenario.name, hash: scenario.hash }, keep: d.keep as number, runs };
}

export async function listBaselineNames(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.endsWith('.json'))
    .map((e) => e.slice(0, -'.json'.length))
    .filter((n) => NAME.test(n))
    .sort();
}
