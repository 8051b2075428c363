// Why: a CI job summary ($GITHUB_STEP_SUMMARY) is read by the person whose change tripped the
// gate; one table says which gate, what was measured with how much noise, and what was allowed.
import type { GateReport } from './evaluate.ts';
import type { GateStatus } from './statistics.ts';

const ICON: Record<GateStatus, string> = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive' };

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

export function renderMarkdown(report: GateReport): string {
  const level = `${Math.round(report.confidence * 100)}% interval`;
  const against = report.baselineId ? ` against baseline \`${report.baselineId}\`` : '';
  const lines = [
    `### meshbench gates — ${cell(report.scenario)}`,
    '',
    `Result \`${report.resultId}\`${against}. A gate fails only when its whole ${level} is past the threshold; inconclusive gates count as **${report.inconclusive}**.`,
    '',
    `| Status | Gate | Judged | Measured | ${level} | Threshold |`,
    '|---|---|---|---|---|---|',
    ...report.gates.map((g) => `| ${ICON[g.status]} | ${cell(code(g.expression))} | ${cell(g.statistic)} | ${cell(g.text.measured)} | ${cell(g.text.interval || '—')} | ${cell(g.text.threshold)} |`),
    '',
    `**${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.inconclusive} inconclusive — ${report.exitCode === 0 ? 'gates pass' : 'gates fail'}.**`,
    '',
  ];
  return lines.join('\n');
}
