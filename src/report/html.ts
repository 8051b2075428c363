// Why: the report is the one artefact people pass around after a run: a single HTML file that
// opens offline (chart.js inlined, data embedded as JSON) and shows at a glance what the mesh
// cost and what it saved — verdict first, then the table with its measurement floor, the time
// series with fault windows shaded, the percentile distribution, and the settings that produced
// it. Every string from the scenario or the run is escaped; the page runs no code but its own.
import { errorRate } from '../result/build.ts';
import type { RunResult } from '../result/types.ts';
import { buildChartData, type ChartData } from './chart-data.ts';
import { formatFactor, formatMs, formatOffsetMs, formatPercent, formatRps } from './format.ts';
import { auditPolicyRouting, auditSentence } from './policy-audit.ts';
import { reportAssets } from './report-assets.ts';
import { floorLine, overheadLine, recoveryLines, summaryTable } from './summary-rows.ts';

export function renderHtmlReport(result: RunResult): string {
  const data = buildChartData(result);
  const { chartJs, drawScript } = reportAssets();
  const s = result.scenario;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>meshbench · ${esc(s.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>meshbench · ${esc(s.name)}</h1>
  ${s.description ? `<p class="muted">${esc(s.description)}</p>` : ''}
  <p class="muted small">run ${esc(result.id)} · ${esc(result.startedAt)} → ${esc(result.finishedAt)} · meshbench ${esc(result.meshbenchVersion)}</p>
</header>
${result.verdict ? `<p class="verdict" id="verdict">${esc(result.verdict)}</p>` : ''}
${summarySection(result)}
${timeSection(data)}
${distributionSection(data)}
${faultSection(result)}
${auditSection(result)}
${settingsSection(result)}
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${chartJs}</script>
<script>${drawScript}</script>
</body>
</html>
`;
}

function summarySection(result: RunResult): string {
  const { header, rows } = summaryTable(result);
  const overhead = overheadLine(result);
  const repeatRows = result.arms.flatMap((arm) =>
    arm.repeats.map((r) => [
      arm.name,
      String(r.index),
      formatMs(r.latencyMs.p50),
      formatMs(r.latencyMs.p99),
      formatMs(r.latencyMs.p999),
      formatPercent(errorRate(r.requests)),
      String(r.requests.dropped),
      formatRps(r.achievedRps),
      formatMs(r.sendLatenessMs.p99),
    ]),
  );
  return `<section>
  <h2>Summary</h2>
  ${table(header, rows, 'summary')}
  ${overhead ? `<p>${esc(overhead)}</p>` : ''}
  <p class="floor" id="floor">${esc(floorLine(result))} — differences smaller than this are not measurable.</p>
  ${
    repeatRows.length > 0
      ? `<details><summary>Per repeat (arms alternate, so drift hits both)</summary>
  ${table(['arm', 'repeat', 'p50', 'p99', 'p99.9', 'errors', 'dropped', 'rps', 'send lateness p99'], repeatRows)}</details>`
      : ''
  }
</section>`;
}

function timeSection(data: ChartData): string {
  if (data.series.every((s) => s.x.length === 0)) return '';
  const services = data.series.flatMap((s) => s.services);
  const hasDepth = services.some((svc) => svc.inFlight.some((v) => v > 0) || svc.queueDepth.some((v) => v > 0));
  const picker =
    data.repeats.length > 1
      ? `<label class="picker">repeat <select id="repeat-select">${data.repeats
          .map((r) => `<option value="${r}">${r}</option>`)
          .join('')}</select></label>`
      : '';
  const chart = (id: string, title: string, note: string) =>
    `<figure><figcaption>${title}<span class="muted small"> — ${note}</span></figcaption><div class="chart"><canvas id="${id}"></canvas></div></figure>`;
  return `<section>
  <h2>Over time ${picker}</h2>
  <p class="muted small">1-second windows${data.faultWindows.length > 0 ? '; shaded bands are fault windows as they actually ran' : ''}.</p>
  <div class="grid">
  ${chart('chart-latency', 'Latency p50 and p99', 'from the intended send time')}
  ${chart('chart-success', 'Success rate', 'ok ÷ scheduled; dropped arrivals count as failed')}
  ${services.length > 0 ? chart('chart-amplification', 'Retry amplification', 'attempts arriving at each service ÷ client requests') : ''}
  ${hasDepth ? chart('chart-depth', 'In flight and queued', 'per service, sums over replicas') : ''}
  </div>
</section>`;
}

function distributionSection(data: ChartData): string {
  if (data.percentileCurves.every((c) => c.points.length === 0)) return '';
  return `<section>
  <h2>Latency distribution</h2>
  <p class="muted small">HDR percentile plot, all repeats merged; the x axis counts nines, so the tail gets the room.</p>
  <div class="chart wide"><canvas id="chart-percentiles"></canvas></div>
</section>`;
}

function faultSection(result: RunResult): string {
  const recovery = recoveryLines(result);
  const amplified = result.arms.flatMap((a) => (a.amplification ? [{ arm: a.name, ...a.amplification }] : []));
  if (result.faults.length === 0 && recovery.length === 0 && amplified.length === 0) return '';
  const rows = result.faults.map((f) => [
    f.name,
    f.kind,
    targetText(f.target),
    f.arm,
    String(f.repeat),
    `${formatOffsetMs(f.requestedStartMs)} – ${formatOffsetMs(f.requestedStopMs)}`,
    f.actualStartMs === null
      ? 'not applied'
      : `${formatOffsetMs(f.actualStartMs)} – ${f.actualStopMs === null ? '?' : formatOffsetMs(f.actualStopMs)}`,
    f.error ? `${f.mechanism} (error: ${f.error})` : f.mechanism,
  ]);
  return `<section>
  <h2>Faults and recovery</h2>
  ${rows.length > 0 ? table(['fault', 'kind', 'target', 'arm', 'repeat', 'requested', 'actual', 'mechanism'], rows, 'faults') : ''}
  ${
    recovery.length > 0
      ? `<h3>Recovery</h3><p class="muted small">Time from the end of a fault until latency and success were back and stayed back.</p>
  ${table(['arm', 'fault', 'recovered after'], recovery.map((r) => [r.arm, r.fault, r.perRepeat]))}`
      : ''
  }
  ${
    amplified.length > 0
      ? `<h3>Retry amplification</h3>
  ${table(['arm', 'peak', 'mean'], amplified.map((a) => [a.arm, formatFactor(a.peak), formatFactor(a.mean)]))}`
      : ''
  }
</section>`;
}

function auditSection(result: RunResult): string {
  const audit = auditPolicyRouting(result);
  const rows = result.arms.find((a) => a.name === 'meshed')?.proxy?.audit;
  if (!audit || !rows) return '';
  const code = (s: string) => `<code>${esc(s)}</code>`;
  return `<section>
  <h2>Policy routing audit</h2>
  ${audit.map((a) => `<p class="${a.outside === 0 ? 'pass' : 'fail'}" data-audit-route="${esc(a.route)}">${auditSentence(a, code)}</p>`).join('\n  ')}
  ${table(['route', 'destination zone', 'requests'], rows.map((r) => [r.route, r.zone, String(r.requests)]))}
</section>`;
}

function settingsSection(result: RunResult): string {
  const s = result.scenario;
  const e = result.environment;
  const l = s.load;
  const settings: Array<[string, string]> = [
    ['scenario', `${s.name} (${s.file})`],
    ['seed', String(s.seed)],
    ['repeats', `${s.repeats} per arm, arms alternating`],
    ['arms', s.arms.join(', ')],
    ['backend', s.backend.kind],
    [
      'load',
      `${l.rate} rps ${l.arrival}${l.ramp ? `, ramp from ${l.ramp.fromRate} rps over ${l.ramp.overS} s` : ''}, ` +
        `warm-up ${l.warmupS} s, measured ${l.durationS} s, max in flight ${l.maxInFlight}, timeout ${l.timeoutMs} ms, ${l.method} ${l.path}`,
    ],
    ['request classes', l.classes.map((c) => `${c.name} (weight ${c.weight})`).join(', ')],
    ['gates', s.gates.length > 0 ? s.gates.join('; ') : 'none'],
    ['environment', `${e.platform}/${e.arch}, kernel ${e.kernel}, ${e.cpus} × ${e.cpuModel}, ${e.totalMemGiB} GiB, Node ${e.node}, ${e.backend}`],
    ...(e.cluster
      ? [['cluster', `Kubernetes ${e.cluster.version}; ${e.cluster.nodes.map((n) => `${n.name} (zone ${n.zone ?? 'none'}, ${n.capacity.cpu ?? '?'} CPU, ${n.capacity.memory ?? '?'})`).join(', ')}`] as [string, string]]
      : []),
  ];
  const services = s.topology.services.map((svc) => [
    svc.name + (svc.name === s.topology.entry ? ' (entry)' : ''),
    String(svc.replicas),
    String(svc.pool),
    distributionText(svc.serviceTime),
    svc.calls
      .map((c) => `${c.service} (app retry: ${c.retry.retries} × ${c.retry.timeoutMs === null ? 'no timeout' : `${c.retry.timeoutMs} ms`})`)
      .join(', ') || '—',
    svc.zones ? svc.zones.join(', ') : '—',
    svc.external ?? '',
  ]);
  return `<section>
  <h2>Settings</h2>
  <dl>${settings.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
  <h3>Topology</h3>
  ${table(['service', 'replicas', 'pool', 'service time', 'calls', 'zones', 'external'], services)}
  <details><summary>Mesh configuration</summary><pre>${esc(JSON.stringify(s.mesh, null, 2))}</pre></details>
</section>`;
}

function targetText(t: RunResult['faults'][number]['target']): string {
  if (t.kind === 'link') return `${t.from} → ${t.to}`;
  return t.replica === null ? t.service : `${t.service} replica ${t.replica}`;
}

function distributionText(d: RunResult['scenario']['topology']['services'][number]['serviceTime']): string {
  switch (d.kind) {
    case 'fixed':
      return `${d.ms} ms`;
    case 'uniform':
      return `uniform ${d.minMs}–${d.maxMs} ms`;
    case 'exponential':
      return `exponential, mean ${d.meanMs} ms`;
    case 'lognormal':
      return `lognormal, p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms`;
  }
}

/** Cells are plain text and are escaped here. */
function table(header: string[], rows: string[][], id?: string): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table${id ? ` id="${id}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** JSON inside <script type="application/json">: no "<" may survive, or "</script>" ends it. */
function embedJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root { --fg: #212529; --muted: #6c757d; --line: #dee2e6; --bg: #fff; --panel: #f8f9fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 64px; color: var(--fg); background: var(--bg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); display: flex; align-items: center; gap: 16px; }
h3 { font-size: 14px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.verdict { margin: 18px 0 8px; padding: 12px 16px; border-left: 4px solid #1c7ed6; background: #e7f5ff; font-size: 16px; font-weight: 600; }
.floor { color: var(--muted); }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 14px 4px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
#summary td { font-size: 15px; padding-right: 22px; }
#faults td { white-space: nowrap; }
#faults td:last-child { white-space: normal; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 18px 24px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.chart { position: relative; height: 280px; }
.chart.wide { height: 340px; }
.picker { font-size: 13px; font-weight: 400; color: var(--muted); }
select { font: inherit; }
.pass { color: #2b8a3e; font-weight: 600; }
.fail { color: #c92a2a; font-weight: 600; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; background: var(--panel); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--panel); padding: 12px; overflow: auto; font-size: 12px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; }
dt { color: var(--muted); }
dd { margin: 0; }
details { margin: 10px 0; }
summary { cursor: pointer; color: var(--muted); }
`;
