// Why: every downstream command reads results through here, so an unreadable file, a file that
// is not a meshbench result, or a version this meshbench does not know fails the same clear way.
// A version-1 result is upgraded and analysed by this meshbench, so `report` and `gate` keep
// working on results from before version 2.
import { readFile } from 'node:fs/promises';
import { analyze } from '../analysis/analyze.ts';
import { badInput } from '../core/errors.ts';
import { RESULT_SCHEMA, RESULT_VERSION, type RunResult } from './types.ts';
import { upgradeV1, type V1Result } from './upgrade-v1.ts';

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
  const { schema, version } = (doc ?? {}) as { schema?: unknown; version?: unknown };
  if (schema !== RESULT_SCHEMA) {
    throw badInput('E_RESULT_SCHEMA', `${file} is not a meshbench run result (schema: ${JSON.stringify(schema)})`, `Expected "schema": "${RESULT_SCHEMA}" — pass a result.json from \`meshbench run\`.`);
  }
  if (version === 1) return analyze(upgradeV1(doc as V1Result));
  if (version !== RESULT_VERSION) {
    throw badInput('E_RESULT_VERSION', `${file} is run-result version ${JSON.stringify(version)}; this meshbench reads versions 1 and ${RESULT_VERSION}`, 'Re-run the scenario with this meshbench, or use the meshbench version that wrote it.');
  }
  return doc as RunResult;
}
