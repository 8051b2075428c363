// Why: the one I/O edge of the report: renders the three artefacts of a run (HTML report,
// Markdown summary for CI, the result JSON itself) and writes them side by side into one folder.
import type { RunResult } from '../result/types.ts';
import { renderHtmlReport } from './html.ts';
import { renderSummaryMarkdown } from './summary-md.ts';
import { writeArtefacts, type WrittenArtefacts } from './write-artefacts.ts';

export function writeReport(result: RunResult, outDir: string): Promise<WrittenArtefacts> {
  return writeArtefacts(outDir, { jsonName: 'result.json', json: result, markdown: renderSummaryMarkdown(result), html: renderHtmlReport(result) }, 'report');
}
