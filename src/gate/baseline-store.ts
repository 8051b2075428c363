// Why: a regression gate needs the last good run to compare with. A baseline is that run result
// saved under a name (usually the scenario's) in a directory a CI cache or the repository keeps,
// so `--baseline main` works the same on a laptop and in a pipeline.
import { mkdir, readdir, rename, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { badInput } from '../core/errors.ts';
import { readRunResult } from '../result/read.ts';
import type { RunResult } from '../result/types.ts';

export const DEFAULT_BASELINE_DIR = '.meshbench/baselines';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface StoredBaseline {
  name: string;
  path: string;
  result: RunResult;
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

/** Writes the result as baseline `name` (atomically: a reader never sees half a file). */
export async function saveBaseline(result: RunResult, dir: string, name: string): Promise<string> {
  const file = baselinePath(dir, name);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(result)}\n`);
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

/** `ref` is a result file (an existing path or anything ending in .json) or a baseline name in `dir`. */
export async function loadBaseline(ref: string, dir: string): Promise<StoredBaseline> {
  if (ref.endsWith('.json') || (await isFile(ref))) {
    return { name: path.basename(ref, '.json'), path: ref, result: await readRunResult(ref) };
  }
  return loadNamedBaseline(ref, dir);
}

/** Baseline `name` in `dir`; a name is an identifier, never a path (`../../etc/passwd` is refused). */
export async function loadNamedBaseline(ref: string, dir: string): Promise<StoredBaseline> {
  const file = baselinePath(dir, ref);
  if (!(await isFile(file))) {
    const known = (await listBaselineNames(dir)).join(', ') || 'none';
    throw badInput('baseline-missing', `no baseline "${ref}" in ${dir} (baselines there: ${known})`, 'save one with `meshbench baseline save <result.json> --name <name>`; in CI, restore the cache before gating');
  }
  return { name: ref, path: file, result: await readRunResult(file) };
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
