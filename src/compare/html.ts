// Why: a table says whether a change is measurable; curves show where in the distribution it
// is. The comparison page overlays each run's percentile curve and per-second p99 (first repeat)
// per arm, beside the same table as the Markdown — one offline file, chart.js inlined like the
// run report, every string escaped.
import type { RunResult } from '../result/types.ts';
import { buildChartData } from '../report/chart-data.ts';
import { embedJson, escapeHtml as esc } from '../report/html-text.ts';
import { compareDrawScript, reportAssets } from '../report/report-assets.ts';
import { formatInterval, formatValue } from '../gate/format-value.ts';
import type { Comparison, MetricRow } from './compare-runs.ts';

/** What the page's script draws: per run, per arm, the percentile curve and the p99 per second of repeat 1. */
export interface CompareChartData {
  runs: Array<{
    label: string;
    curves: Array<{ arm: string; points: Array<{ nines: number; percentile: number; ms: number }> }>;
    p99: Array<{ arm: string; x: number[]; y: Array<number | null> }>;
  }>;
  arms: string[];
}

function compareChartData(c: Comparison, results: readonly RunResult[]): CompareChartData {
  const arms = c.arms.map((a) => a.arm);
  return {
    arms,
    runs: results.map((r, i) => {
      const d = buildChartData(r);
      const first = d.repeats[0];
      return {
        label: `${c.runs[i]!.label} ${r.id}`,
        curves: d.percentileCurves.filter((p) => arms.includes(p.arm)).map((p) => ({ arm: p.arm, points: p.points })),
        p99: d.series.filter((s) => s.repeat === first && arms.includes(s.arm)).map((s) => ({ arm: s.arm, x: s.x, y: s.p99 })),
      };
    }),
  };
}

function row(r: MetricRow): string {
  const unit = r.spec.unit;
  const value = (i: number) => {
    const e = r.values[i];
    if (!e) return '<td>—</td>';
    return `<td>${esc(formatValue(e.point, unit))}${e.interval ? `<br><span class="ci">${esc(formatInterval(e.interval.lo, e.interval.hi, unit))}</span>` : ''}</td>`;
  };
  const change = (i: number) => {
    const ch = r.changes[i];
    if (!ch || !ch.estimate) return '<td>—</td>';
    const fmt = (x: number) => (r.spec.change === 'ratio' ? formatValue(x, 'change') : `${x > 0 ? '+' : ''}${formatValue(x, unit)}`);
    const { point, interval } = ch.estimate;
    return `<td class="${ch.verdict === 'worse' ? 'worse' : ch.verdict === 'better' ? 'better' : ''}">${esc(fmt(point))}${interval ? `<br><span class="ci">${esc(`${fmt(interval.lo)} … ${fmt(interval.hi)}`)}</span>` : ''}<br><b>${esc(ch.verdict)}</b></td>`;
  };
  return `<tr><th>${esc(r.spec.label)}</th>${r.values.map((_, i) => value(i)).join('')}${r.changes.slice(1).map((_, i) => change(i + 1)).join('')}</tr>`;
}

export function renderCompareHtml(c: Comparison, results: readonly RunResult[]): string {
  const { chartJs } = reportAssets();
  const ref = c.runs[0]!;
  const head = `<tr><th>metric</th>${c.runs.map((r) => `<th>${esc(r.label)}</th>`).join('')}${c.runs.slice(1).map((r) => `<th>${esc(`${r.label} vs ${ref.label}`)}</th>`).join('')}</tr>`;
  const warnings = [
    ...(c.sameScenario ? [] : [`Different scenarios: ${c.runs.map((r) => `${r.label} = ${r.scenario} (${r.scenarioHash})`).join(', ')}. Differences include the scenario change.`]),
    ...c.runs.flatMap((r) => r.caveats.map((x) => `${r.label}: ${x}`)),
    ...c.notes,
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>meshbench compare · ${esc(c.runs.map((r) => r.label).join(' vs '))}</title>
<style>
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 64px; font: 14px/1.5 system-ui, sans-serif; color: #212529; }
table { border-collapse: collapse; margin: 8px 0 24px; } th, td { border: 1px solid #dee2e6; padding: 4px 10px; text-align: right; vertical-align: top; }
th:first-child { text-align: left; } .ci { color: #6c757d; font-size: 12px; } .worse { background: #fde2e1; } .better { background: #dff3e4; }
.warn { background: #fff3cd; padding: 8px 12px; border-radius: 4px; } .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
</style>
</head>
<body>
<h1>meshbench compare</h1>
<p>${c.runs.map((r) => `<b>${esc(r.label)}</b> ${esc(r.id)} · ${esc(r.scenario)} · ${esc(r.startedAt)}`).join('<br>')}</p>
${warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('\n')}
<p>Values with their ${Math.round(c.confidence * 100)} % bootstrap interval; a change against ${esc(ref.label)} is <b>better</b> or <b>worse</b> only when its whole interval is on one side of zero. Latency: successful requests.</p>
${c.arms
  .map(
    (a, i) => `<h2>${esc(a.arm)}</h2>
<table>${head}${a.rows.filter((r) => r.values.some((v) => v !== null)).map(row).join('')}</table>
<div class="charts"><div><h3>Latency by percentile</h3><canvas id="curves-${i}"></canvas></div><div><h3>p99 per second (repeat 1)</h3><canvas id="p99-${i}"></canvas></div></div>`,
  )
  .join('\n')}
<script type="application/json" id="compare-data">${embedJson(compareChartData(c, results))}</script>
<script>${chartJs}</script>
<script>${compareDrawScript()}</script>
</body>
</html>
`;
}
