// Why: the one I/O edge of a capacity result: capacity.json, the HTML report and the Markdown
// summary, side by side in one folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { environmentError } from '../../core/errors.ts';
import type { CapacityResult } from '../result.ts';
import { renderCapacityHtml } from './html.ts';
import { renderCapacityMarkdown } from './markdown.ts';

export interface WrittenCapacity {
  dir: string;
  json: string;
  html: string;
  markdown: string;
}

export async function writeCapacityReport(result: CapacityResult, outDir: string): Promise<WrittenCapacity> {
  const dir = resolve(outDir);
  const paths = { json: join(dir, 'capacity.json'), html: join(dir, 'index.html'), markdown: join(dir, 'summary.md') };
  const html = renderCapacityHtml(result);
  const markdown = renderCapacityMarkdown(result);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(paths.json, JSON.stringify(result, null, 2) + '\n');
    await writeFile(paths.markdown, markdown);
    await writeFile(paths.html, html);
  } catch (err) {
    throw environmentError('E_CAPACITY_WRITE', `cannot write the capacity report to ${dir}: ${(err as Error).message}`, 'choose a writable directory with --out');
  }
  return { dir, ...paths };
}
