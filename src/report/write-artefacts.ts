// Why: a run and a capacity sweep each end in the same three files side by side — the result
// JSON, a Markdown summary for CI and the HTML report — written here, so both fail the same way:
// one environment error naming the folder and the fix.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { environmentError } from '../core/errors.ts';

export interface Artefacts {
  /** File name of the JSON document, e.g. result.json. */
  jsonName: string;
  json: unknown;
  markdown: string;
  html: string;
}

export interface WrittenArtefacts {
  dir: string;
  html: string;
  markdown: string;
  json: string;
}

/** Writes the artefacts into `outDir` (created if needed): `what` names them in the error. */
export async function writeArtefacts(outDir: string, artefacts: Artefacts, what: string): Promise<WrittenArtefacts> {
  const dir = resolve(outDir);
  const paths = { html: join(dir, 'index.html'), markdown: join(dir, 'summary.md'), json: join(dir, artefacts.jsonName) };
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(paths.json, JSON.stringify(artefacts.json, null, 2) + '\n');
    await writeFile(paths.markdown, artefacts.markdown);
    await writeFile(paths.html, artefacts.html);
  } catch (err) {
    throw environmentError(
      'report.write-failed',
      `cannot write the ${what} to ${dir}: ${(err as Error).message}`,
      'Choose a writable output directory (--out) or free some disk space.',
    );
  }
  return { dir, ...paths };
}
