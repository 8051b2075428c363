// Why: the report is the one artefact people pass around after a run: a single HTML file that
// opens offline (chart.js inlined, data embedded as JSON) and answers the question in the order
// a reader asks it — did the gates pass, can the run be trusted, what is the verdict — then the
// tables (steady state, incidents, failures by reason, amplification per edge, the proxy) and
// the time series: latency of successful requests, success, failures by reason, amplification
// beside goodput, in flight and queued; incidents in labelled lanes, conditions as one labelled
// band. Every string from the scenario or the run is escaped; the page runs no code but its own.
import { errorRate } from '../result/build.ts';
import type { CpuPinningRecord, FaultRecord, RunResult } from '../result/types.ts';
import { describeInjection } from '../scenario/describe.ts';
import { buildChartData, type ChartData } from './chart-data.ts';
import { formatMs, formatOffsetMs, formatPercent, formatRps } from './format.ts';
import { auditPolicyRouting, auditSentence } from './policy-audit.ts';
import { embedJson, escapeHtml as esc, htmlTable as table } from './html-text.ts';
import { reportAssets } from './report-assets.ts';
import {
  edgeRows,
  failureRows,
  floorLine,
  gateRows,
  incidentRows,
  LATENCY_NOTE,
  meshSettingsRows,
  overheadLine,
  proxyProcessRows,
  proxyRows,
  steadyRows,
  summaryTable,
  type SummaryTable,
} from './summary-rows.ts';

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
  <p class="muted small">run ${esc(result.id)} · ${esc(result.startedAt)} → ${esc(result.finishedAt)} · meshbench ${esc(result.meshbenchVersion)}${result.upgradedFrom ? ` · read from a version-${result.upgradedFrom} result` : ''}</p>
</header>
${gatePanel(result)}
${validityPanel(result)}
${verdictSection(result)}
${summarySection(result)}
${tableSection('Steady state', 'Seconds outside every incident and its recovery; conditions stay on. The mesh’s everyday cost is measured here.', steadyRows(result), 'steady')}
${result.incidents.length > 0 ? tableSection('Incidents', 'Per arm and repeat: the steady seconds just before the incident (what recovery is judged against), the seconds during it, and how long until latency and success were back and stayed back.', incidentRows(result), 'incidents') : ''}
${timeSection(data)}
${distributionSection(data)}
${tableSection('Failures by reason', 'Every request that did not succeed, by why (client timeout, the proxy’s own answer by reason, an upstream 5xx, a connection error, dropped at maxInFlight), whole measured part.', failureRows(result), 'failures')}
${tableSection('Retry amplification per call edge', 'Attempts the caller made ÷ requests that made any, counted when each request finished — a naive client with R retries reads at most 1 + R; fast failures without an attempt are counted apart.', edgeRows(result), 'edges')}
${proxySection(result)}
${injectionSection(result)}
${auditSection(result)}
${settingsSection(result)}
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${chartJs}</script>
<script>${drawScript}</script>
</body>
</html>
`;
}

function gatePanel(result: RunResult): string {
  if (result.gates === null) return '<section id="gates" class="panel muted small">Gates were not judged for this result (run <code>meshbench gate result.json</code>).</section>';
  const rows = gateRows(result);
  if (!rows) return '<section id="gates" class="panel muted small">The scenario has no gates.</section>';
  const counts = { pass: 0, fail: 0, inconclusive: 0 };
  for (const g of result.gates) counts[g.status]++;
  const overall = counts.fail > 0 ? 'fail' : counts.inconclusive > 0 ? 'inconclusive' : 'pass';
  const items = result.gates
    .map(
      (g) =>
        `<li class="gate gate-${g.status}"><span class="badge badge-${g.status}">${esc(g.status.toUpperCase())}</span> <code>${esc(g.expression)}</code> <span class="muted small">${esc(g.verdict.slice(g.verdict.indexOf(' — ') + 3))}</span></li>`,
    )
    .join('');
  return `<section id="gates" class="panel gates-${overall}">
  <h2 class="panel-title">Gates: ${counts.pass} passed, ${counts.fail} failed, ${counts.inconclusive} inconclusive</h2>
  <ul class="gate-list">${items}</ul>
</section>`;
}

function validityPanel(result: RunResult): string {
  const v = result.validity;
  const reasons = v.reasons.map((r) => `<li><b>${esc(r.check)}</b>: ${esc(r.message)}</li>`).join('');
  const checked = v.checks.filter((c) => c.status === 'valid').map((c) => c.check);
  return `<section id="validity" class="panel validity-${v.status}">
  <h2 class="panel-title">Validity: ${esc(v.status)}</h2>
  ${reasons ? `<ul>${reasons}</ul>` : ''}
  <p class="muted small">Checked and fine: ${esc([...new Set(checked)].join(', ') || 'nothing')}.</p>
</section>`;
}

function verdictSection(result: RunResult): string {
  if (result.verdict.length === 0) return '';
  return `<section class="verdict" id="verdict"><ul>${result.verdict.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`;
}

function summarySection(result: RunResult): string {
  const { header, rows } = summaryTable(result);
  const overhead = overheadLine(result);
  const repeatRows = result.arms.flatMap((arm) =>
    arm.repeats.map((r) => [
      arm.name,
      String(r.index + 1),
      r.latencyMs.count > 0 ? formatMs(r.latencyMs.p50) : '—',
      r.latencyMs.count > 0 ? formatMs(r.latencyMs.p99) : '—',
      r.latencyMs.count > 0 ? formatMs(r.latencyMs.p999) : '—',
      formatPercent(errorRate(r.requests)),
      String(r.requests.dropped),
      formatRps(r.achievedRps),
      formatMs(r.sendLatenessMs.p99),
      r.warmup ? `${(r.warmup.ms / 1000).toFixed(1)} s (${r.warmup.endedBy})` : '—',
    ]),
  );
  return `<section>
  <h2>Summary</h2>
  <p class="muted small">${esc(LATENCY_NOTE)}.</p>
  ${table(header, rows, 'summary')}
  ${overhead ? `<p>${esc(overhead)}</p>` : ''}
  <p class="floor" id="floor">${esc(floorLine(result))} — differences smaller than this are not measurable.</p>
  ${
    repeatRows.length > 0
      ? `<details><summary>Per repeat (arms alternate, so drift hits both)</summary>
  ${table(['arm', 'repeat', 'p50', 'p99', 'p99.9', 'failed', 'dropped', 'rps', 'send lateness p99', 'warmup'], repeatRows)}</details>`
      : ''
  }
</section>`;
}

function tableSection(title: string, note: string, t: SummaryTable | null, id: string): string {
  if (!t || t.rows.length === 0) return '';
  return `<section>
  <h2>${esc(title)}</h2>
  <p class="muted small">${esc(note)}</p>
  <div class="scroll">${table(t.header, t.rows, id)}</div>
</section>`;
}

function timeSection(data: ChartData): string {
  if (data.series.every((s) => s.x.length === 0)) return '';
  const services = data.series.flatMap((s) => s.services);
  const hasDepth = services.some((svc) => svc.inFlight.some((v) => v > 0) || svc.queueDepth.some((v) => v > 0));
  const hasEdges = data.series.some((s) => s.edges.length > 0);
  const picker =
    data.repeats.length > 1
      ? `<label class="picker">repeat <select id="repeat-select">${data.repeats.map((r) => `<option value="${r}">${r + 1}</option>`).join('')}</select></label>`
      : '';
  const chart = (id: string, title: string, note: string) =>
    `<figure><figcaption>${title}<span class="muted small"> — ${note}</span></figcaption><div class="chart"><canvas id="${id}"></canvas></div></figure>`;
  const bands = [
    data.incidents.length > 0 ? 'red bands are incidents as they actually ran, each labelled in its own lane' : '',
    data.conditions.length > 0 ? `the blue band above each chart names the conditions, on for the whole run: ${esc(data.conditions.map((c) => `${c.name} (${c.description})`).join('; '))}` : '',
  ].filter(Boolean);
  return `<section>
  <h2>Over time ${picker}</h2>
  <p class="muted small">1-second windows${bands.length > 0 ? `; ${bands.join('; ')}` : ''}.</p>
  <div class="grid">
  ${chart('chart-latency', 'Latency of successful requests, p50 and p99', 'from the intended send time; “all requests” (dotted) includes failures')}
  ${chart('chart-success', 'Success rate', 'ok ÷ scheduled; dropped arrivals count as failed')}
  ${data.reasons.length > 0 ? chart('chart-failures', 'Failures by reason', '% of scheduled requests per second; solid direct, dashed meshed') : ''}
  ${hasEdges ? chart('chart-amplification', 'Retry amplification per call edge', 'attempts ÷ requests that made any, by finish time') : ''}
  ${chart('chart-goodput', 'Goodput', 'successful client responses per second')}
  ${hasDepth ? chart('chart-depth-direct', 'In flight and queued — direct', 'per service, sums over replicas; queued dashed') : ''}
  ${hasDepth ? chart('chart-depth-meshed', 'In flight and queued — meshed', 'per service, sums over replicas; queued dashed') : ''}
  </div>
</section>`;
}

function distributionSection(data: ChartData): string {
  if (data.percentileCurves.every((c) => c.points.length === 0)) return '';
  return `<section>
  <h2>Latency distribution</h2>
  <p class="muted small">HDR percentile plot of successful requests, all repeats merged; the x axis counts nines, so the tail gets the room.</p>
  <div class="chart wide"><canvas id="chart-percentiles"></canvas></div>
</section>`;
}

function proxySection(result: RunResult): string {
  const rows = proxyRows(result);
  if (!rows) return '';
  return `<section id="proxy">
  <h2>Proxy</h2>
  <p class="muted small">The mesh proxy’s own cost and what it did over the measured parts of the meshed repeats.</p>
  <dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
</section>
${tableSection('Proxy processes', 'Each proxy process of each meshed repeat — one pod per node for a DaemonSet, one per replica for sidecars, one process on the embedded backend: CPU it used over the measured part and its resident memory at the end. The cost line above sums the CPU and takes the largest memory.', proxyProcessRows(result), 'proxy-processes')}`;
}

function injectionSection(result: RunResult): string {
  if (result.faults.length === 0 && result.conditions.length === 0) return '';
  const specs = [...result.scenario.conditions, ...result.scenario.faults];
  const row = (role: string, f: FaultRecord) => {
    const spec = specs.find((s) => s.name === f.name);
    return [
      role,
      f.name,
      spec ? describeInjection(spec) : f.kind,
      `${f.arm} ${f.repeat + 1}`,
      `${formatOffsetMs(f.requestedStartMs)} – ${formatOffsetMs(f.requestedStopMs)}`,
      f.actualStartMs === null ? 'not applied' : `${formatOffsetMs(f.actualStartMs)} – ${f.actualStopMs === null ? '?' : formatOffsetMs(f.actualStopMs)}`,
      f.error ? `${f.mechanism} (error: ${f.error})` : f.mechanism,
    ];
  };
  const rows = [...result.conditions.map((f) => row('condition', f)), ...result.faults.map((f) => row('incident', f))];
  return `<section>
  <h2>Conditions and faults</h2>
  <p class="muted small">Offsets from the start of the measured part; a condition starts before 0 because it covers the warmup too. The mechanism is what actually ran.</p>
  <div class="scroll">${table(['', 'name', 'what', 'arm, repeat', 'requested', 'actual', 'mechanism'], rows, 'faults')}</div>
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
  const h = result.host;
  const settings: Array<[string, string]> = [
    ['scenario', `${s.name} (${s.file})`],
    ['seed', String(s.seed)],
    ['repeats', `${s.repeats} per arm, arms alternating`],
    ['arms', s.arms.join(', ')],
    ['backend', s.backend.kind],
    [
      'load',
      `${l.rate} rps ${l.arrival}${l.ramp ? `, ramp from ${l.ramp.fromRate} rps over ${l.ramp.overS} s` : ''}, ` +
        `warmup ${l.warmupS}–${l.warmupMaxS} s (until the p99 settles), measured ${l.durationS} s, max in flight ${l.maxInFlight}, timeout ${l.timeoutMs} ms, ${l.method} ${l.path}`,
    ],
    ['request classes', l.classes.map((c) => `${c.name} (weight ${c.weight})`).join(', ')],
    ['conditions', s.conditions.length > 0 ? s.conditions.map(describeInjection).join('; ') : 'none'],
    ['faults', s.faults.length > 0 ? s.faults.map((f) => `${describeInjection(f)} at ${f.atMs / 1000} s for ${f.durationMs / 1000} s`).join('; ') : 'none'],
    ['recovery', `p99 within ×${s.recovery.p99Factor} of the seconds before the incident and ≥ ${formatPercent(s.recovery.minSuccessRate)} success, for ${s.recovery.stableMs / 1000} s`],
    ['gates', s.gates.length > 0 ? s.gates.join('; ') : 'none'],
    ['environment', `${e.platform}/${e.arch}, kernel ${e.kernel}, ${e.cpus} × ${e.cpuModel}, ${e.totalMemGiB} GiB, Node ${e.node}, ${e.backend}`],
    ...(e.cluster
      ? [['cluster', `Kubernetes ${e.cluster.version}; ${e.cluster.nodes.map((n) => `${n.name} (zone ${n.zone ?? 'none'}, ${n.capacity.cpu ?? '?'} CPU, ${n.capacity.memory ?? '?'})`).join(', ')}`] as [string, string]]
      : []),
    [
      'machine',
      `load average ${h.loadAverageBefore ? h.loadAverageBefore[0].toFixed(2) : '?'} before, ${h.loadAverageAfter ? h.loadAverageAfter[0].toFixed(2) : '?'} after; hypervisor steal ${h.hypervisorSteal != null ? `${(100 * h.hypervisorSteal).toFixed(1)} %` : '?'}; other meshbench runs: ${[...new Set([...h.otherRunsBefore, ...h.otherRunsAfter])].join(', ') || 'none'}; ${cpuPinningText(h.cpuPinning)}`,
    ],
  ];
  const services = s.topology.services.map((svc) => [
    svc.name + (svc.name === s.topology.entry ? ' (entry)' : ''),
    String(svc.replicas),
    String(svc.pool),
    distributionText(svc.serviceTime),
    svc.calls
      .map((c) => `${c.service} (app: ${c.retry.timeoutMs === null ? 'no timeout' : `timeout ${c.retry.timeoutMs} ms`}, ${c.retry.retries} retries)`)
      .join(', ') || '—',
    svc.zones ? svc.zones.join(', ') : '—',
    svc.external ?? '',
  ]);
  return `<section>
  <h2>Settings</h2>
  <dl>${settings.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
  <h3>Topology</h3>
  ${table(['service', 'replicas', 'pool', 'service time', 'calls', 'zones', 'external'], services)}
  <h3>Mesh (<code>mesh:</code>)</h3>
  <dl id="mesh-settings">${meshSettingsRows(s.mesh).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
</section>`;
}

/** The machine line's words for the run's CPU pinning: where each part ran, or why nothing was pinned. */
function cpuPinningText(p: CpuPinningRecord | undefined): string {
  if (!p) return 'CPU pinning not recorded';
  if (!p.applied) return `CPU pinning: none (${p.reason})`;
  const { generator, proxy, services } = p.applied;
  const where = proxy === services ? `proxy and services on cpu ${proxy}` : `proxy on cpu ${proxy}, services on cpu ${services}`;
  return `CPU pinning (${p.mode}): generator on cpu ${generator}, ${where}`;
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

const STYLE = `
:root { --fg: #212529; --muted: #6c757d; --line: #dee2e6; --bg: #fff; --panel: #f8f9fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 64px; color: var(--fg); background: var(--bg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); display: flex; align-items: center; gap: 16px; }
h2.panel-title { font-size: 15px; margin: 0 0 6px; padding: 0; border: 0; }
h3 { font-size: 14px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.panel { margin: 14px 0; padding: 10px 16px; border-radius: 4px; border-left: 4px solid var(--line); background: var(--panel); }
.panel ul { margin: 4px 0; padding-left: 18px; }
.gates-pass, .validity-valid { border-left-color: #2b8a3e; background: #ebfbee; }
.gates-fail, .validity-invalid { border-left-color: #c92a2a; background: #fff5f5; }
.gates-inconclusive, .validity-inconclusive { border-left-color: #e67700; background: #fff9db; }
.gate-list { list-style: none; padding-left: 0 !important; }
.gate { margin: 3px 0; }
.badge { display: inline-block; min-width: 104px; text-align: center; font-size: 11px; font-weight: 700; letter-spacing: .04em; padding: 1px 6px; border-radius: 3px; color: #fff; }
.badge-pass { background: #2b8a3e; } .badge-fail { background: #c92a2a; } .badge-inconclusive { background: #e67700; }
.verdict { margin: 14px 0 8px; padding: 8px 16px; border-left: 4px solid #1c7ed6; background: #e7f5ff; font-size: 14.5px; }
.verdict ul { margin: 0; padding-left: 18px; } .verdict li { margin: 4px 0; }
.floor { color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 14px 4px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
#summary td { font-size: 15px; padding-right: 22px; white-space: nowrap; }
#summary td:nth-child(7) { white-space: normal; }
#faults { width: 100%; table-layout: auto; }
#faults td { overflow-wrap: anywhere; }
#faults td:nth-child(5), #faults td:nth-child(6) { white-space: nowrap; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 18px 24px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.chart { position: relative; height: 300px; }
.chart.wide { height: 340px; }
.picker { font-size: 13px; font-weight: 400; color: var(--muted); }
select { font: inherit; }
.pass { color: #2b8a3e; font-weight: 600; }
.fail { color: #c92a2a; font-weight: 600; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; background: var(--panel); padding: 1px 4px; border-radius: 3px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; }
dt { color: var(--muted); }
dd { margin: 0; }
details { margin: 10px 0; }
summary { cursor: pointer; color: var(--muted); }
`;
