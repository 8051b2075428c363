// Why: a CI job summary ($GITHUB_STEP_SUMMARY) is read by the person whose change tripped the
// gate; one piece says which gate, what was measured with how much noise, and what was allowed —
// and, when the result is given, the latency table and the run's validity, so nobody has to
// stitch the run's summary.md and the gate's output together.
import type { RunResult } from '../result/types.ts';
import { LATENCY_NOTE, summaryTable } from '../report/summary-rows.ts';
import type { GateOutcomeStatus, GateReport } from './evaluate.ts';

const ICON: Record<GateOutcomeStatus, string> = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive', skipped: '⏭️ skipped' };

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

export interface MarkdownContext {
  /** The judged result: adds its latency table and validity. */
  result?: RunResult;
  /** Lines the reader must see first (no baseline yet, a baseline of another scenario). */
  notices?: readonly string[];
}

export function renderMarkdown(report: GateReport, context: MarkdownContext = {}): string {
  const level = `${Math.round(report.confidence * 100)}% interval`;
  const runs = report.baselineRuns > 1 ? ` (newest of ${report.baselineRuns} runs; intervals include the spread between them)` : '';
  const against = report.baselineId ? ` against baseline \`${report.baselineId}\`${runs}` : '';
  const skipped = report.counts.skipped > 0 ? `, ${report.counts.skipped} skipped` : '';
  const lines = [
    `### meshbench gates — ${cell(report.scenario)}`,
    '',
    ...(context.notices ?? []).map((n) => `> **Note:** ${cell(n)}\n`),
    `Result \`${report.resultId}\`${against}. A gate fails only when its whole ${level} is past the threshold; inconclusive gates count as **${report.inconclusive}**.`,
    '',
    `| Status | Gate | Judged | Measured | ${level} | Threshold |`,
    '|---|---|---|---|---|---|',
    ...report.gates.map((g) => `| ${ICON[g.status]} | ${cell(code(g.expression))} | ${cell(g.statistic)} | ${cell(g.text.measured)} | ${cell(g.text.interval || '—')} | ${cell(g.text.threshold || '—')} |`),
    '',
    `**${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.inconclusive} inconclusive${skipped} — ${report.exitCode === 0 ? 'gates pass' : 'gates fail'}.**`,
    '',
  ];
  if (context.result) lines.push(...resultSection(context.result));
  return lines.join('\n');
}

function resultSection(result: RunResult): string[] {
  const { header, rows } = summaryTable(result);
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`);
  const reasons = result.validity.reasons.map((r) => `- ${r.status} (${r.check}): ${cell(r.message)}`);
  return [
    `**Validity: ${result.validity.status}**${reasons.length > 0 ? '' : ' — every check passed.'}`,
    '',
    ...(reasons.length > 0 ? [...reasons, ''] : []),
    `_${LATENCY_NOTE}._`,
    '',
    ...table,
    '',
  ];
}
