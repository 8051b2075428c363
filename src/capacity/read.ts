// Why: a sweep takes minutes, a plan takes none — `meshbench capacity --from capacity.json`
// re-plans a saved sweep for another target, headroom or node size. The file is read through
// here, so one that is unreadable, not a capacity result, or of an unknown version fails clearly.
import { readFile } from 'node:fs/promises';
import { badInput } from '../core/errors.ts';
import { CAPACITY_SCHEMA, CAPACITY_VERSION, type CapacitySweep } from './result.ts';

/** The measured part of a saved capacity.json (what a plan is computed from). */
export async function readCapacitySweep(file: string): Promise<CapacitySweep> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw badInput('E_CAPACITY_READ', `cannot read ${file}: ${(err as Error).message}`, 'pass the capacity.json written by `meshbench capacity`');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw badInput('E_CAPACITY_JSON', `${file} is not valid JSON: ${(err as Error).message}`, 'pass the capacity.json written by `meshbench capacity`, unmodified');
  }
  const { schema, version } = (doc ?? {}) as { schema?: unknown; version?: unknown };
  if (schema !== CAPACITY_SCHEMA) {
    throw badInput('E_CAPACITY_SCHEMA', `${file} is not a meshbench capacity result (schema: ${JSON.stringify(schema)})`, `expected "schema": "${CAPACITY_SCHEMA}" — pass a capacity.json from \`meshbench capacity\``);
  }
  if (version !== CAPACITY_VERSION) {
    throw badInput('E_CAPACITY_VERSION', `${file} is capacity version ${JSON.stringify(version)}; this meshbench reads version ${CAPACITY_VERSION}`, 'sweep again with this meshbench, or use the version that wrote it');
  }
  const { id, startedAt, finishedAt, wallTimeS, meshbenchVersion, environment, scenario, settings, arms } = doc as CapacitySweep & { arms: CapacitySweep['arms'] };
  return { id, startedAt, finishedAt, wallTimeS, meshbenchVersion, environment, scenario, settings, arms: arms.map((a) => ({ name: a.name, knees: a.knees })) };
}
