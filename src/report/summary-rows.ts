// Why: the CLI table, the Markdown summary and the HTML report show the same figures — per-arm
// summary, steady state, incidents, failures by reason, amplification per edge, gates, validity,
// the proxy — and computing the rows once keeps the three views in agreement. Latency is always
// that of successful requests; all-request latency appears only in a column that says so.
// Repeats are numbered from 1 here, as in the progress output.
import type { MeshConfig } from '../scenario/types.ts';
import type { ArmResult, IncidentRepeat, RunResult } from '../result/types.ts';
import { proxyActivity, proxyCost } from '../analysis/proxy-activity.ts';
import { formatFactor, formatMs, formatPercent, formatRps, formatSignedMs } from './format.ts';

export interface SummaryTable {
  header: string[];
  rows: string[][];
}

/** The failure reasons of an arm, most frequent first, as "proxy:shed 12 %, client-timeout 3 %". */
function topReasons(arm: Pick<ArmResult, 'failures' | 'requests'>, limit = 2): string {
  const entries = Object.entries(arm.failures.byReason).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '—';
  const total = arm.requests.scheduled;
  const shown = entries.slice(0, limit).map(([reason, n]) => `${reason} ${formatPercent(total === 0 ? 0 : n / total)}`);
  return entries.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
}

/**
 * One row per arm over the whole measured part: p50, p99, p99.9 of the successful requests,
 * the all-request p99 (labelled), failed share and its main reasons, rps and goodput.
 */
export function summaryTable(result: RunResult): SummaryTable {
  const header = ['arm', 'p50', 'p99', 'p99.9', 'p99 all requests', 'failed', 'main failure reasons', 'rps', 'goodput'];
  const rows = result.arms.map((arm) => [
    arm.name,
    arm.latencyMs.count > 0 ? formatMs(arm.latencyMs.p50) : '—',
    arm.latencyMs.count > 0 ? formatMs(arm.latencyMs.p99) : '—',
    arm.latencyMs.count > 0 ? formatMs(arm.latencyMs.p999) : '—',
    arm.latencyAllMs.count > 0 ? formatMs(arm.latencyAllMs.p99) : '—',
    formatPercent(arm.errorRate),
    topReasons(arm),
    formatRps(arm.achievedRps),
    formatRps(arm.goodputRps),
  ]);
  return { header, rows };
}

export const LATENCY_NOTE = 'latency of successful requests from the intended send time; "p99 all requests" includes failed ones';

/** "difference over the whole measured part (meshed - direct): p50 +0.3 ms, …", or null when only one arm ran. */
export function overheadLine(result: RunResult): string | null {
  const c = result.comparison;
  if (!c) return null;
  const where = result.scenario.faults.length === 0 ? 'whole measured part' : 'whole measured part, incidents included';
  return `difference over the ${where} (${c.other} - ${c.base}): p50 ${formatSignedMs(c.addedMs.p50)}, p99 ${formatSignedMs(c.addedMs.p99)}, p99.9 ${formatSignedMs(c.addedMs.p999)}`;
}

/**
 * How late the generator sent, worst arm: differences smaller than this are not measurable.
 * Always shown, so nobody reads a 0.05 ms overhead off a 1 ms floor.
 */
export function floorLine(result: RunResult): string {
  if (result.arms.length === 0) return 'measurement floor: no arm ran, nothing measured';
  const p50 = Math.max(...result.arms.map((a) => a.sendLatenessMs.p50));
  const p99 = Math.max(...result.arms.map((a) => a.sendLatenessMs.p99));
  return `measurement floor: generator send lateness p50 ${formatMs(p50)}, p99 ${formatMs(p99)}`;
}

/** "validity: inconclusive", then one indented line per reason. */
export function validityLines(result: RunResult): string[] {
  const v = result.validity;
  return [`validity: ${v.status}`, ...v.reasons.map((r) => `  - ${r.check}: ${r.message}`)];
}

/** Steady state per arm: windows, p50, p99, success, goodput. */
export function steadyRows(result: RunResult): SummaryTable | null {
  const st = result.steadyState;
  if (!st) return null;
  return {
    header: ['arm', 'steady seconds', 'p50', 'p99', 'success', 'goodput'],
    rows: st.arms.map((a) => [
      a.arm,
      String(a.windows),
      a.latencyMs.count > 0 ? formatMs(a.latencyMs.p50) : '—',
      a.latencyMs.count > 0 ? formatMs(a.latencyMs.p99) : '—',
      formatPercent(a.successRate),
      formatRps(a.goodputRps),
    ]),
  };
}

export function recoveryText(r: IncidentRepeat): string {
  switch (r.recovery) {
    case 'recovered':
      return `recovered after ${r.recoveredAfterS!.toFixed(1)} s`;
    case 'not-recovered':
      return `not recovered (${r.recoveryWindows} s watched)`;
    case 'no-time':
      return `not judged: ${r.recoveryWindows} s measured after it`;
    case 'no-baseline':
      return 'not judged: nothing steady before it';
  }
}

/** Per incident, arm and repeat: before, during, failures and recovery. */
export function incidentRows(result: RunResult): SummaryTable {
  const rows = result.incidents.flatMap((inc) =>
    inc.arms.flatMap((a) =>
      a.repeats.map((r) => [
        inc.fault,
        a.arm,
        String(r.repeat + 1),
        r.before?.p99 != null ? formatMs(r.before.p99) : '—',
        r.during?.p99 != null ? formatMs(r.during.p99) : r.during ? 'no success' : '—',
        r.during ? formatPercent(r.during.successRate) : '—',
        r.during ? failuresText(r.during.failures) : '—',
        recoveryText(r),
      ]),
    ),
  );
  return { header: ['incident', 'arm', 'repeat', 'p99 before', 'p99 during', 'success during', 'failures during', 'recovery'], rows };
}

function failuresText(f: Record<string, number>): string {
  const entries = Object.entries(f).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '—' : entries.map(([reason, n]) => `${reason} ${n}`).join(', ');
}

/** Failures by reason per arm, as counts and shares of what was scheduled. */
export function failureRows(result: RunResult): SummaryTable | null {
  const reasons = [...new Set(result.arms.flatMap((a) => Object.keys(a.failures.byReason)))].sort();
  if (reasons.length === 0) return null;
  return {
    header: ['reason', ...result.arms.map((a) => a.name)],
    rows: reasons.map((reason) => [
      reason,
      ...result.arms.map((a) => {
        const n = a.failures.byReason[reason] ?? 0;
        return n === 0 ? '—' : `${n} (${formatPercent(a.requests.scheduled === 0 ? 0 : n / a.requests.scheduled)})`;
      }),
    ]),
  };
}

/** Amplification per call edge and arm. */
export function edgeRows(result: RunResult): SummaryTable | null {
  const rows = result.arms.flatMap((a) =>
    a.edges.map((e) => [a.name, e.edge.replace('->', ' → '), e.caller, formatFactor(e.peak), formatFactor(e.mean), String(e.requests), String(e.notAttempted)]),
  );
  return rows.length === 0 ? null : { header: ['arm', 'call edge', 'attempts made by', 'peak', 'mean', 'requests', 'failed without an attempt'], rows };
}

/** The proxy's cost and what it did, as label/value pairs. */
export function proxyRows(result: RunResult): Array<[string, string]> | null {
  const p = result.arms.find((a) => a.name === 'meshed')?.proxy;
  if (!p) return null;
  const c = p.counters;
  const n = (k: string) => String(c[k] ?? 0);
  const errors = Object.entries(c)
    .filter(([k, v]) => k.startsWith('proxy_error_') && v > 0)
    .map(([k, v]) => `${k.slice('proxy_error_'.length).replace(/_/g, '-')} ${v}`);
  return [
    ['cost', proxyCost(p)],
    ['what it did', proxyActivity(p)],
    ['requests proxied (every hop)', n('requests')],
    ['upstream attempts', n('upstream_attempts')],
    ['retries', n('retries')],
    ['retry budget refusals', n('budget_refusals')],
    ['endpoint ejections', n('ejections')],
    ['shed (maxPending)', n('shed')],
    ['deadline exceeded', n('deadline_exceeded')],
    ['own error responses', errors.length > 0 ? errors.join(', ') : 'none'],
  ];
}

/** Each proxy process (a DaemonSet's pod per node, a sidecar, the embedded proxy) per meshed
 * repeat: its CPU over the measured part and its memory at the end. */
export function proxyProcessRows(result: RunResult): SummaryTable | null {
  const meshed = result.arms.find((a) => a.name === 'meshed');
  const processes = meshed?.proxy?.processes ?? [];
  if (!meshed || processes.length === 0) return null;
  const measuredS = (repeat: number) => (meshed.repeats.find((r) => r.index === repeat)?.measuredMs ?? 0) / 1000;
  const rows = processes.map((p) => [
    String(p.repeat + 1),
    p.name,
    p.node ?? '—',
    p.cpuSeconds === null ? 'unknown' : p.cpuSeconds.toFixed(2),
    p.cpuSeconds === null || measuredS(p.repeat) <= 0 ? 'unknown' : (p.cpuSeconds / measuredS(p.repeat)).toFixed(3),
    p.rssBytes === null ? 'unknown' : `${(p.rssBytes / 2 ** 20).toFixed(1)} MiB`,
  ]);
  return { header: ['repeat', 'proxy process', 'node', 'CPU-seconds', 'CPU cores (mean)', 'resident memory (end)'], rows };
}

/** The mesh settings in the scenario's own words (mesh: keys and units), not internal JSON. */
export function meshSettingsRows(mesh: MeshConfig): Array<[string, string]> {
  const ms = (x: number) => (x >= 1000 && x % 100 === 0 ? `${x / 1000}s` : `${x}ms`);
  const r = mesh.retry;
  const b = mesh.breaker;
  return [
    ['balancer', mesh.balancer + (mesh.balancer === 'p2c-ewma' ? ` (ewma decay ${ms(mesh.ewma.decayMs)}, default rtt ${ms(mesh.ewma.defaultRttMs)})` : '')],
    [
      'retry',
      r.enabled
        ? `on: up to ${r.maxRetries} retries on ${r.retryOn.join(', ')} and connection failures${r.retryNonIdempotent ? ', non-idempotent too' : ', idempotent methods only'}; backoff ${ms(r.backoff.baseMs)}–${ms(r.backoff.maxMs)}; budget ${Math.round(r.budget.percentCanRetry * 100)} % + ${r.budget.minRetriesPerSec}/s over ${ms(r.budget.ttlMs)}`
        : 'off',
    ],
    ['breaker', b.enabled ? `on: eject after ${b.consecutiveFailures} consecutive failures, probe after ${ms(b.backoff.minMs)}–${ms(b.backoff.maxMs)} (jitter ${b.backoff.jitter})` : 'off'],
    ['timeout', mesh.timeoutMs === null ? 'none' : `${ms(mesh.timeoutMs)} per route${mesh.propagateDeadline ? ', deadline propagated downstream' : ''}`],
    ['maxPending', mesh.maxPending === null ? 'unlimited' : `${mesh.maxPending} per destination, beyond it shed with 503`],
    ['routes', mesh.routes.length === 0 ? 'none' : mesh.routes.map((rt) => `${rt.name}: ${rt.match.header}${rt.match.value ? `=${rt.match.value}` : ''} → ${Object.entries(rt.subset).map(([k, v]) => `${k}=${v}`).join(', ')}${rt.failClosed ? ' (fail closed)' : ''}`).join('; ')],
    ['ports', `router ${mesh.bindAddress}:${mesh.port}, admin :${mesh.adminPort}`],
    ['limits', `headers ≤ ${mesh.limits.maxHeaderBytes} bytes, header timeout ${ms(mesh.limits.headerTimeoutMs)}, idle timeout ${ms(mesh.limits.idleTimeoutMs)}`],
  ];
}

/** Gate outcomes as stored in the result. */
export function gateRows(result: RunResult): SummaryTable | null {
  if (!result.gates || result.gates.length === 0) return null;
  return {
    header: ['status', 'gate', 'judged', 'measured', 'interval', 'threshold'],
    rows: result.gates.map((g) => [g.status.toUpperCase(), g.expression, g.statistic, g.text.measured, g.text.interval || '—', g.text.threshold]),
  };
}

