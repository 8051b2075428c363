// Why: the comparison goes where the change is discussed — a pull-request comment or a job
// summary — so it is one compact Markdown piece: per arm, each metric for each run with its
// interval, and the change against the first run with a marked verdict. Pure.
import { formatInterval, formatValue, type DisplayUnit } from '../gate/format-value.ts';
import type { Comparison, Estimate, MetricRow, Verdict } from './compare-runs.ts';

const MARK: Record<Verdict, string> = { better: '🟢 better', worse: '🔴 worse', 'no measurable difference': '⚪ no measurable difference', 'not measured': '—' };

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function valueCell(e: Estimate | null, row: MetricRow): string {
  if (!e) return '—';
  const unit = row.spec.unit;
  const point = formatValue(e.point, unit);
  return e.interval ? `${point} <sub>${formatInterval(e.interval.lo, e.interval.hi, unit)}</sub>` : point;
}

function signed(x: number, unit: DisplayUnit): string {
  const text = formatValue(x, unit);
  return x > 0 && Number.isFinite(x) ? `+${text}` : text;
}

function changeCell(c: MetricRow['changes'][number], row: MetricRow): string {
  if (!c || !c.estimate) return '—';
  const { point, interval } = c.estimate;
  const fmt = (x: number) => (row.spec.change === 'ratio' ? formatValue(x, 'change') : signed(x, row.spec.unit));
  const span = interval ? ` <sub>${fmt(interval.lo)} … ${fmt(interval.hi)}</sub>` : '';
  return `${fmt(point)}${span} ${MARK[c.verdict]}`;
}

export function renderCompareMarkdown(c: Comparison): string {
  const level = `${Math.round(c.confidence * 100)} %`;
  const ref = c.runs[0]!;
  const others = c.runs.slice(1);
  const out: string[] = [`### meshbench compare — ${cell(c.runs.map((r) => r.scenario).filter((s, i, all) => all.indexOf(s) === i).join(' vs '))}`, ''];
  if (!c.sameScenario) out.push(`> **⚠️ Different scenarios:** ${c.runs.map((r) => `${r.label} = ${cell(r.scenario)} (${r.scenarioHash})`).join(', ')} — differences include the scenario change, not only yours.`, '');
  for (const r of c.runs) for (const caveat of r.caveats) out.push(`> **${r.label}:** ${cell(caveat)}`, '');
  for (const n of c.notes) out.push(`> ${cell(n)}`, '');
  out.push(c.runs.map((r) => `**${r.label}** \`${cell(r.id)}\` (${cell(r.startedAt)})`).join(' · '), '');
  out.push(
    `Values with their ${level} bootstrap interval; a change against ${ref.label} is **better** or **worse** only when its whole interval is on one side of zero. Latency: successful requests.`,
    '',
  );
  for (const { arm, rows } of c.arms) {
    out.push(`#### ${cell(arm)}`, '');
    const header = ['metric', ...c.runs.map((r) => r.label), ...others.map((r) => `${r.label} vs ${ref.label}`)];
    out.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    for (const row of rows) {
      if (row.values.every((v) => v === null)) continue;
      out.push(`| ${[row.spec.label, ...row.values.map((v) => valueCell(v, row)), ...row.changes.slice(1).map((ch) => changeCell(ch, row))].join(' | ')} |`);
    }
    out.push('');
  }
  const worse = c.arms.flatMap((a) => a.rows.flatMap((r) => r.changes.filter((ch) => ch?.verdict === 'worse').map(() => `${a.arm} ${r.spec.label}`)));
  const better = c.arms.flatMap((a) => a.rows.flatMap((r) => r.changes.filter((ch) => ch?.verdict === 'better').map(() => `${a.arm} ${r.spec.label}`)));
  out.push(`**${worse.length > 0 ? `worse: ${worse.join(', ')}` : 'nothing measurably worse'}${better.length > 0 ? `; better: ${better.join(', ')}` : ''}.**`, '');
  return out.join('\n');
}
