// Why: the one I/O edge of the report: renders the three artefacts of a run (HTML report,
// Markdown summary for CI, the result JSON itself) and writes them side by side into one folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { environmentError } from '../core/errors.ts';
import type { RunResult } from '../result/types.ts';
import { renderHtmlReport } from './html.ts';
import { renderSummaryMarkdown } from './summary-md.ts';

export interface WrittenReport {
  dir: string;
  html: string;
  markdown: string;
  json: string;
}

export async function writeReport(result: RunResult, outDir: string): Promise<WrittenReport> {
  const dir = resolve(outDir);
  const paths = { html: join(dir, 'index.html'), markdown: join(dir, 'summary.md'), json: join(dir, 'result.json') };
  const html = renderHtmlReport(result);
  const markdown = renderSummaryMarkdown(result);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(paths.json, JSON.stringify(result, null, 2) + '\n');
    await writeFile(paths.markdown, markdown);
    await writeFile(paths.html, html);
  } catch (err) {
    throw environmentError(
      'report.write-failed',
      `cannot write the report to ${dir}: ${(err as Error).message}`,
      'Choose a writable output directory (--out) or free some disk space.',
    );
  }
  return { dir, ...paths };
}
