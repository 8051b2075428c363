// Why: turns the phases' raw outputs (histograms, counters, fault records) into the versioned
// run result. Pure: no I/O, no clock — so what a result says is a function of what was measured.
// The analysis (steady state, incidents, validity, verdict) is filled in afterwards by
// src/analysis/analyze.ts, which reads only this document.
import type { ArmName, Scenario } from '../scenario/types.ts';
import { decodeHistogram, encodeHistogram, mergeHistograms, summarizeMs } from '../stats/histogram.ts';
import type { PhaseOutput } from '../runner/phase.ts';
import { armAmplification, edgeSummaries } from '../analysis/amplification.ts';
import { countReason } from '../load/failure-reason.ts';
import {
  RESULT_SCHEMA,
  RESULT_VERSION,
  type ArmResult,
  type Comparison,
  type EnvironmentInfo,
  type HostState,
  type ProxyReport,
  type RepeatResult,
  type RequestCounts,
  type RunResult,
} from './types.ts';

export interface RunMeta {
  id: string;
  startedAt: string;
  finishedAt: string;
  meshbenchVersion: string;
  environment: EnvironmentInfo;
  host: HostState;
}

function sumCounts(counts: RequestCounts[]): RequestCounts {
  const total: RequestCounts = { scheduled: 0, sent: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, byStatus: {} };
  for (const c of counts) {
    total.scheduled += c.scheduled;
    total.sent += c.sent;
    total.ok += c.ok;
    total.errors += c.errors;
    total.timeouts += c.timeouts;
    total.dropped += c.dropped;
    for (const [status, n] of Object.entries(c.byStatus)) total.byStatus[status] = (total.byStatus[status] ?? 0) + n;
  }
  return total;
}

/** Share of scheduled requests that did not succeed (errors, timeouts and drops all count). */
export function errorRate(c: RequestCounts): number {
  return c.scheduled === 0 ? 0 : (c.scheduled - c.ok) / c.scheduled;
}

function sumFailures(all: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of all) for (const [reason, n] of Object.entries(f)) countReason(out, reason, n);
  return out;
}

function toRepeat(p: PhaseOutput): RepeatResult {
  const lg = p.loadgen;
  return {
    index: p.repeat,
    startedAt: p.startedAt,
    measuredMs: lg.measuredMs,
    latencyMs: summarizeMs(decodeHistogram(lg.histogram)),
    latencyAllMs: summarizeMs(decodeHistogram(lg.histogramAll)),
    requests: lg.requests,
    failures: { byReason: lg.failures },
    achievedRps: lg.achievedRps,
    sendLatenessMs: summarizeMs(decodeHistogram(lg.sendLateness)),
    histogram: lg.histogram,
    histogramAll: lg.histogramAll,
    warmup: lg.warmup,
    windows: lg.windows,
    services: p.services,
    edges: p.edges,
    proxy: p.proxyUsage,
  };
}

/** What the proxy did and cost over the measured parts of the arm's repeats. */
function proxyReport(phases: PhaseOutput[], repeats: RepeatResult[]): ProxyReport | null {
  const last = [...phases].reverse().find((p) => p.proxy);
  if (!last?.proxy) return null;
  const usages = repeats.flatMap((r) => (r.proxy ? [r.proxy] : []));
  const counters = sumFailures(usages.map((u) => u.counters));
  const cpu = usages.every((u) => u.cpuSeconds !== null) && usages.length > 0 ? usages.reduce((s, u) => s + u.cpuSeconds!, 0) : null;
  const requests = counters['requests'] ?? 0;
  const processes = repeats.flatMap((r) => (r.proxy ? r.proxy.processes.map((p) => ({ repeat: r.index, ...p })) : []));
  const rss = processes.flatMap((p) => (p.rssBytes === null ? [] : [p.rssBytes]));
  return {
    config: null,
    counters,
    audit: last.proxy.audit,
    cpuPerKiloRps: cpu !== null && requests > 0 ? (1000 * cpu) / requests : null,
    rssBytes: rss.length > 0 ? Math.max(...rss) : null,
    processes,
  };
}

function buildArm(name: ArmName, phases: PhaseOutput[]): ArmResult {
  const repeats = phases.map(toRepeat);
  const merged = mergeHistograms(phases.map((p) => decodeHistogram(p.loadgen.histogram)));
  const mergedAll = mergeHistograms(phases.map((p) => decodeHistogram(p.loadgen.histogramAll)));
  const lateness = mergeHistograms(phases.map((p) => decodeHistogram(p.loadgen.sendLateness)));
  const requests = sumCounts(repeats.map((r) => r.requests));
  const measuredS = repeats.reduce((s, r) => s + r.measuredMs / 1000, 0);
  const edges = edgeSummaries(repeats);
  return {
    name,
    latencyMs: summarizeMs(merged),
    latencyAllMs: summarizeMs(mergedAll),
    requests,
    failures: { byReason: sumFailures(repeats.map((r) => r.failures.byReason)) },
    achievedRps: repeats.reduce((s, r) => s + r.achievedRps, 0) / Math.max(1, repeats.length),
    goodputRps: measuredS > 0 ? requests.ok / measuredS : 0,
    errorRate: errorRate(requests),
    sendLatenessMs: summarizeMs(lateness),
    histogram: encodeHistogram(merged),
    histogramAll: encodeHistogram(mergedAll),
    repeats,
    proxy: proxyReport(phases, repeats),
    amplification: armAmplification(edges),
    edges,
    recovery: [],
  };
}

function compare(base: ArmResult, other: ArmResult): Comparison {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    base: base.name,
    other: other.name,
    addedMs: {
      p50: other.latencyMs.p50 - base.latencyMs.p50,
      p99: other.latencyMs.p99 - base.latencyMs.p99,
      p999: other.latencyMs.p999 - base.latencyMs.p999,
    },
    ratio: {
      p50: ratio(other.latencyMs.p50, base.latencyMs.p50),
      p99: ratio(other.latencyMs.p99, base.latencyMs.p99),
      p999: ratio(other.latencyMs.p999, base.latencyMs.p999),
    },
  };
}

export function buildRunResult(scenario: Scenario, phases: PhaseOutput[], meta: RunMeta): RunResult {
  const arms = scenario.arms
    .map((arm) => phases.filter((p) => p.arm === arm))
    .filter((ps) => ps.length > 0)
    .map((ps) => buildArm(ps[0]!.arm, ps));
  for (const arm of arms) {
    if (arm.proxy) arm.proxy.config = scenario.mesh;
  }
  const direct = arms.find((a) => a.name === 'direct');
  const meshed = arms.find((a) => a.name === 'meshed');
  return {
    schema: RESULT_SCHEMA,
    version: RESULT_VERSION,
    id: meta.id,
    startedAt: meta.startedAt,
    finishedAt: meta.finishedAt,
    meshbenchVersion: meta.meshbenchVersion,
    scenario,
    environment: meta.environment,
    host: meta.host,
    arms,
    comparison: direct && meshed ? compare(direct, meshed) : null,
    steadyState: null,
    incidents: [],
    faults: phases.flatMap((p) => p.faults),
    conditions: phases.flatMap((p) => p.conditions),
    validity: { status: 'valid', reasons: [], checks: [] },
    gates: null,
    verdict: [],
  };
}
