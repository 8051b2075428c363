// Why: a CI job summary ($GITHUB_STEP_SUMMARY) is where most people will read a gated run; it
// gets the verdict, the table, the floor, what was injected and how, how each arm recovered,
// and the policy-routing audit — Markdown only, no HTML, so any renderer shows it.
import type { RunResult } from '../result/types.ts';
import { formatFactor, formatOffsetMs } from './format.ts';
import { auditPolicyRouting, auditSentence } from './policy-audit.ts';
import { floorLine, overheadLine, recoveryLines, summaryTable } from './summary-rows.ts';

export function renderSummaryMarkdown(result: RunResult): string {
  const out: string[] = [`# meshbench: ${inline(result.scenario.name)}`, ''];
  if (result.verdict) out.push(`> **Verdict:** ${inline(result.verdict)}`, '');

  const { header, rows } = summaryTable(result);
  out.push(mdTable(header, rows), '');
  const overhead = overheadLine(result);
  if (overhead) out.push(`${overhead}  `);
  out.push(floorLine(result), '');

  if (result.faults.length > 0) {
    out.push('## Faults', '');
    out.push(
      mdTable(
        ['fault', 'kind', 'arm', 'repeat', 'requested', 'actual', 'mechanism'],
        result.faults.map((f) => [
          code(f.name),
          f.kind,
          f.arm,
          String(f.repeat),
          span(f.requestedStartMs, f.requestedStopMs),
          f.actualStartMs === null ? `not applied: ${inline(f.error ?? 'unknown')}` : span(f.actualStartMs, f.actualStopMs),
          inline(f.mechanism),
        ]),
      ),
      '',
    );
  }

  const recovery = recoveryLines(result);
  if (recovery.length > 0) {
    out.push('## Recovery', '', 'Time from the end of a fault until latency and success were back and stayed back.', '');
    for (const r of recovery) out.push(`- **${r.arm}** after ${code(r.fault)}: ${r.perRepeat}`);
    out.push('');
  }

  const amplified = result.arms.filter((a) => a.amplification);
  if (amplified.length > 0) {
    out.push('## Retry amplification', '', 'Attempts arriving at services ÷ client requests.', '');
    for (const a of amplified) {
      if (a.amplification) out.push(`- **${a.name}**: peak ${formatFactor(a.amplification.peak)}, mean ${formatFactor(a.amplification.mean)}`);
    }
    out.push('');
  }

  const audit = auditPolicyRouting(result);
  if (audit && audit.length > 0) {
    out.push('## Policy routing audit', '');
    for (const a of audit) out.push(`- ${auditSentence(a, code)}`);
    out.push('');
  }

  out.push(
    `<sub>seed ${result.scenario.seed} · ${result.scenario.repeats} repeat(s) · ${result.scenario.load.rate} rps ${result.scenario.load.arrival} · ` +
      `${result.environment.backend} on ${result.environment.platform}/${result.environment.arch}, ${result.environment.cpus} CPUs · run ${inline(result.id)}</sub>`,
    '',
  );
  return out.join('\n');
}

function span(startMs: number, stopMs: number | null): string {
  return `${formatOffsetMs(startMs)} – ${stopMs === null ? '?' : formatOffsetMs(stopMs)}`;
}

function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Inline code that stays inline even when the name holds backticks. */
function code(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  return `${fence}${s.replace(/\n/g, ' ')}${fence}`;
}

/** User text on one line, with HTML-significant characters neutralised (GitHub renders inline HTML). */
function inline(s: string): string {
  return s.replace(/\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
