// Why: the capacity report is what goes into a purchase discussion: one self-contained HTML file
// (chart.js inlined, opens offline) with the answer first, every doubt next to it, the plan, and
// the evidence — latency against throughput per arm with the SLO line and each knee marked, the
// fitted USL curve through the measured knees with the hold-out prediction, the mesh tax, and
// every step measured. All text is escaped; the page runs no code but its own.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatMs, formatPercent, formatRps } from '../../report/format.ts';
import { embedJson, escapeHtml as esc, htmlTable as table } from '../../report/html-text.ts';
import { reportAssets } from '../../report/report-assets.ts';
import type { CapacityResult } from '../result.ts';
import { capacityChartData } from './chart-data.ts';
import {
  answer,
  doubts,
  holdoutText,
  kneeHeader,
  kneeRows,
  meshTaxText,
  nodeText,
  notes,
  planHeader,
  planRows,
  replicaCostText,
  sloText,
  uslText,
} from './sentences.ts';

let drawScript: string | null = null;

function capacityDrawScript(): string {
  drawScript ??= readFileSync(fileURLToPath(new URL('./draw-capacity.js', import.meta.url)), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  return drawScript;
}

export function renderCapacityHtml(result: CapacityResult): string {
  const data = capacityChartData(result);
  const s = result.scenario;
  const d = doubts(result);
  const plan = result.plan;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>meshbench capacity · ${esc(s.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>meshbench capacity · ${esc(s.name)}</h1>
  <p class="muted small">sweep ${esc(result.id)} · ${esc(result.startedAt)} → ${esc(result.finishedAt)} (${Math.round(result.wallTimeS)} s) · meshbench ${esc(result.meshbenchVersion)} · ${esc(result.environment.cpus + ' × ' + result.environment.cpuModel)}</p>
</header>
<p class="answer ${plan.trustworthy ? '' : 'doubtful'}" id="answer">${esc(answer(result))}</p>
${d.length > 0 ? `<section id="doubts"><h2>Doubts</h2><ul>${d.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></section>` : ''}
<section>
  <h2>Plan</h2>
  <p>${esc(`${formatRps(plan.targetRps)} rps + ${(plan.headroom * 100).toFixed(0)} % headroom = ${formatRps(plan.neededRps)} rps; nodes of ${nodeText(plan)}; proxy as ${plan.proxyModel === 'daemonset' ? 'a DaemonSet (one per node)' : 'sidecars (one per pod)'}.`)}</p>
  ${table(planHeader(), planRows(plan), 'plan')}
  ${plan.meshCostNodes !== null ? `<p id="mesh-cost"><strong>${esc(`The mesh costs ${plan.meshCostNodes} node${Math.abs(plan.meshCostNodes) === 1 ? '' : 's'}`)}</strong>${esc(` at ${formatRps(plan.targetRps)} rps.`)}</p>` : ''}
</section>
<section>
  <h2>Knees</h2>
  <p class="muted small">${esc(`SLOs: ${sloText(result)}. The SLO knee is the highest offered rate that met every SLO; it fails one bisection step above.`)}</p>
  ${table(kneeHeader(), kneeRows(result), 'knees')}
  <div class="grid">
  ${result.arms.map((a) => chart(`chart-latency-${a.name}`, `${a.name}: ${data.metric} against throughput`, `one line per replica count; knee marked; dashed: the SLO`)).join('\n  ')}
  ${chart('chart-usl', 'Knee per replica count, with the fitted USL', 'filled: knees the model was fitted to; dashed: fitted without the largest count, × its prediction')}
  </div>
</section>
<section>
  <h2>Model</h2>
  ${table(
    ['arm', 'Universal Scalability Law', 'hold-out check', 'replica cost', 'mesh tax (proxy)'],
    result.arms.map((a) => [a.name, uslText(a.usl), holdoutText(a.holdout), replicaCostText(a) ?? '—', meshTaxText(a) ?? '—']),
    'model',
  )}
</section>
${stepsSection(result)}
<section>
  <h2>Settings</h2>
  <ul class="small">${notes(result).map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
  <p class="small muted">${esc(`scenario ${s.file}; replica counts ${result.settings.replicas.join(', ')}; arms ${result.arms.map((a) => a.name).join(', ')}; ${result.environment.platform}/${result.environment.arch}, Node ${result.environment.node}, ${result.environment.totalMemGiB} GiB`)}</p>
</section>
<script type="application/json" id="capacity-data">${embedJson(data)}</script>
<script>${reportAssets().chartJs}</script>
<script>${capacityDrawScript()}</script>
</body>
</html>
`;
}

function chart(id: string, title: string, note: string): string {
  return `<figure><figcaption>${esc(title)}<span class="muted small"> — ${esc(note)}</span></figcaption><div class="chart"><canvas id="${id}"></canvas></div></figure>`;
}

function stepsSection(result: CapacityResult): string {
  const blocks = result.arms.flatMap((a) =>
    a.knees.map((k) => {
      const rows = k.steps.map((st) => [
        st.purpose,
        formatRps(st.rate),
        formatRps(st.okRps),
        formatMs(st.latencyMs.p50),
        formatMs(st.latencyMs.p99),
        formatPercent(st.errorRate),
        `${Math.round(st.bottleneck.maxPoolBusy * 100)} % / ${st.bottleneck.maxQueue}`,
        st.machine ? `${Math.round(st.machine.busy * 100)} %` : '—',
        st.proxy ? `${st.proxy.cores.toFixed(2)} cores` : '—',
        st.collapsed ? `collapsed: ${st.collapsed}` : st.meets ? 'meets' : `breaks ${st.broken.join(', ')}`,
      ]);
      return `<details><summary>${esc(`${a.name} · ${k.replicas} replica(s): ${k.steps.length} steps, probe ${formatRps(k.probe.okRps)} rps with ${k.probe.connections} connections`)}</summary>
  ${table(['step', 'offered', 'goodput', 'p50', 'p99', 'errors', 'pool busy / queue', 'machine CPU', 'proxy', 'verdict'], rows)}</details>`;
    }),
  );
  return `<section>
  <h2>Every step</h2>
  <p class="muted small">Pool busy and queue: the scaled service's, highest seen during the step. Machine CPU: share of all cores busy (any process).</p>
  ${blocks.join('\n  ')}
</section>`;
}

const STYLE = `
:root { --fg: #212529; --muted: #6c757d; --line: #dee2e6; --bg: #fff; --panel: #f8f9fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 64px; color: var(--fg); background: var(--bg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p { margin: 6px 0; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.answer { margin: 18px 0 8px; padding: 12px 16px; border-left: 4px solid #1c7ed6; background: #e7f5ff; font-size: 16px; font-weight: 600; }
.answer.doubtful { border-left-color: #f08c00; background: #fff4e6; }
#doubts li { color: #a61e4d; margin: 3px 0; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 14px 4px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
#plan td { font-size: 15px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 18px 24px; margin-top: 16px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.chart { position: relative; height: 320px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--muted); }
`;
