// Why: every downstream command reads results through here, so an unreadable file, a file that
// is not a meshbench result, a version this meshbench does not know, or a document with a missing
// or corrupt field (validate.ts) fails the same clear way: bad input, naming the field. A
// version-1 result is upgraded and analysed by this meshbench, so `report` and `gate` keep
// working on results from before version 2.
import { readFile } from 'node:fs/promises';
import { analyze } from '../analysis/analyze.ts';
import { badInput } from '../core/errors.ts';
import { RESULT_SCHEMA, RESULT_VERSION, type RunResult } from './types.ts';
import { upgradeV1, type V1Result } from './upgrade-v1.ts';
import { resultProblems } from './validate.ts';

export async function readRunResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw badInput('E_RESULT_READ', `cannot read ${file}: ${(err as Error).message}`, 'Pass the result.json written by `meshbench run` (it sits next to index.html).');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw badInput('E_RESULT_JSON', `${file} is not valid JSON: ${(err as Error).message}`, 'Pass the result.json written by `meshbench run`, unmodified.');
  }
  return runResultFromDocument(doc, file);
}

/** Checks (and upgrades) a parsed document; `file` names where it came from in messages. */
export function runResultFromDocument(doc: unknown, file: string): RunResult {
  const { schema, version } = (doc ?? {}) as { schema?: unknown; version?: unknown };
  if (schema !== RESULT_SCHEMA) {
    throw badInput('E_RESULT_SCHEMA', `${file} is not a meshbench run result (schema: ${JSON.stringify(schema)})`, `Expected "schema": "${RESULT_SCHEMA}" — pass a result.json from \`meshbench run\`.`);
  }
  if (version !== 1 && version !== RESULT_VERSION) {
    throw badInput('E_RESULT_VERSION', `${file} is run-result version ${JSON.stringify(version)}; this meshbench reads versions 1 and ${RESULT_VERSION}`, 'Re-run the scenario with this meshbench, or use the meshbench version that wrote it.');
  }
  const problems = resultProblems(doc);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `  ${p}`).join('\n');
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : '';
    throw badInput('E_RESULT_INVALID', `${file} is not a sound run result:\n${shown}${more}`, 'It was changed or cut short after `meshbench run` wrote it; re-run the scenario, or restore the file.');
  }
  return version === 1 ? analyze(upgradeV1(doc as V1Result)) : withProxyProcesses(doc as RunResult);
}

/** Version-2 results written before per-process proxy usage was recorded carry none: an empty list. */
function withProxyProcesses(result: RunResult): RunResult {
  for (const arm of result.arms) {
    if (arm.proxy) arm.proxy.processes ??= [];
    for (const r of arm.repeats) if (r.proxy) r.proxy.processes ??= [];
  }
  return result;
}
