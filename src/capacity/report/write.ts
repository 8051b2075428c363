// Why: the one I/O edge of a capacity result: capacity.json, the HTML report and the Markdown
// summary, side by side in one folder.
import { writeArtefacts, type WrittenArtefacts } from '../../report/write-artefacts.ts';
import type { CapacityResult } from '../result.ts';
import { renderCapacityHtml } from './html.ts';
import { renderCapacityMarkdown } from './markdown.ts';

export function writeCapacityReport(result: CapacityResult, outDir: string): Promise<WrittenArtefacts> {
  return writeArtefacts(outDir, { jsonName: 'capacity.json', json: result, markdown: renderCapacityMarkdown(result), html: renderCapacityHtml(result) }, 'capacity report');
}
