// Why: a CI job summary ($GITHUB_STEP_SUMMARY) is where most people will read a gated run; it
// gets the gate outcomes, the verdict, whether the run is valid, the table, the floor, the
// steady state, each incident per arm and repeat, failures by reason, amplification per call
// edge, the proxy's cost and counters, and what was injected and how — Markdown only, no HTML,
// so any renderer shows it.
import type { FaultRecord, RunResult } from '../result/types.ts';
import { describeInjection } from '../scenario/describe.ts';
import { formatOffsetMs } from './format.ts';
import { auditPolicyRouting, auditSentence } from './policy-audit.ts';
import {
  edgeRows,
  failureRows,
  floorLine,
  gateRows,
  incidentRows,
  LATENCY_NOTE,
  overheadLine,
  proxyProcessRows,
  proxyRows,
  steadyRows,
  summaryTable,
  type SummaryTable,
} from './summary-rows.ts';

const ICON: Record<string, string> = { PASS: '✅ pass', FAIL: '❌ fail', INCONCLUSIVE: '⚠️ inconclusive' };

export function renderSummaryMarkdown(result: RunResult): string {
  const out: string[] = [`# meshbench: ${inline(result.scenario.name)}`, ''];

  const gates = gateRows(result);
  if (gates) {
    out.push('## Gates', '', mdTable(gates.header, gates.rows.map(([status, expr, ...rest]) => [ICON[status!] ?? status!, code(expr!), ...rest])), '');
  } else if (result.gates) {
    out.push('## Gates', '', 'The scenario has no gates.', '');
  }

  if (result.verdict.length > 0) {
    out.push('## Verdict', '', ...result.verdict.map((l) => `- ${inline(l)}`), '');
  }
  out.push(`**Validity: ${result.validity.status}**${result.validity.reasons.length > 0 ? '' : ' — every check passed.'}`, '');
  for (const r of result.validity.reasons) out.push(`- ${r.status} (${r.check}): ${inline(r.message)}`);
  if (result.validity.reasons.length > 0) out.push('');

  const { header, rows } = summaryTable(result);
  out.push('## Summary', '', `_${LATENCY_NOTE}._`, '', mdTable(header, rows), '');
  const overhead = overheadLine(result);
  if (overhead) out.push(`${overhead}  `);
  out.push(floorLine(result), '');

  pushTable(out, '## Steady state', 'Windows outside every incident and its recovery; conditions stay on.', steadyRows(result));
  if (result.incidents.length > 0) pushTable(out, '## Incidents', 'Recovery is judged against the steady seconds just before each incident.', incidentRows(result));
  pushTable(out, '## Failures by reason', 'Count and share of scheduled requests, whole measured part.', failureRows(result));
  pushTable(out, '## Retry amplification per call edge', 'Attempts the caller made ÷ requests that made any, counted when each request finished.', edgeRows(result));

  const proxy = proxyRows(result);
  if (proxy) {
    out.push('## Proxy', '', mdTable(['', ''], proxy), '');
    pushTable(out, '## Proxy processes', 'CPU over the measured part and resident memory at its end, per proxy process and meshed repeat.', proxyProcessRows(result));
  }

  if (result.conditions.length > 0 || result.faults.length > 0) {
    out.push('## Conditions and faults', '');
    const rows = [...result.conditions.map((f) => injectionRow('condition', f, result)), ...result.faults.map((f) => injectionRow('incident', f, result))];
    out.push(mdTable(['', 'name', 'what', 'arm', 'repeat', 'requested', 'actual', 'mechanism'], rows), '');
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

function pushTable(out: string[], title: string, note: string, table: SummaryTable | null): void {
  if (!table || table.rows.length === 0) return;
  out.push(title, '', note, '', mdTable(table.header, table.rows), '');
}

function injectionRow(role: string, f: FaultRecord, result: RunResult): string[] {
  const spec = [...result.scenario.conditions, ...result.scenario.faults].find((s) => s.name === f.name);
  return [
    role,
    code(f.name),
    spec ? inline(describeInjection(spec)) : f.kind,
    f.arm,
    String(f.repeat + 1),
    span(f.requestedStartMs, f.requestedStopMs),
    f.actualStartMs === null ? `not applied: ${inline(f.error ?? 'unknown')}` : span(f.actualStartMs, f.actualStopMs),
    inline(f.error && f.actualStartMs !== null ? `${f.mechanism} (error: ${f.error})` : f.mechanism),
  ];
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
