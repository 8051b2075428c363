// Why: the first thing a user sees after a run is stdout; it must carry the numbers they came
// for (percentiles of successful requests, failures and why, rps), the measurement floor those
// numbers stand on, whether the run is valid, and the verdict — in plain aligned text that
// survives CI logs and copy-paste.
import type { RunResult } from '../result/types.ts';
import { floorLine, LATENCY_NOTE, overheadLine, summaryTable, validityLines } from './summary-rows.ts';

export function renderSummaryTable(result: RunResult): string {
  const { header, rows } = summaryTable(result);
  const lines = [`(${LATENCY_NOTE})`, ...alignColumns([header, ...rows])];
  const overhead = overheadLine(result);
  if (overhead) lines.push(overhead);
  lines.push(floorLine(result));
  lines.push(...validityLines(result));
  if (result.verdict.length > 0) lines.push('verdict:', ...result.verdict.map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}

function alignColumns(table: string[][]): string[] {
  const widths: number[] = [];
  for (const row of table) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return table.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 2)))
      .join(''),
  );
}
