// Why: results written by meshbench before version 2 are still worth reading (a CI baseline, an
// old report). This turns a version-1 document into a version-2 one without inventing data:
// version 1 recorded the latency of *all* requests, so that is what `latencyMs` holds here, and
// the result is marked `upgradedFrom: 1` — the validity check says the latency includes
// failures. Failures are classified only as far as v1's counters allow; per-edge amplification
// did not exist (v1's arrivals ÷ requests-sent figure is kept, labelled). The analysis is then
// re-derived from the windows by the current meshbench.
import type { Scenario } from '../scenario/types.ts';
import type { LatencySummaryMs } from '../stats/histogram.ts';
import { countReason } from '../load/failure-reason.ts';
import {
  RESULT_SCHEMA,
  RESULT_VERSION,
  type ArmResult,
  type EnvironmentInfo,
  type FaultRecord,
  type RepeatResult,
  type RequestCounts,
  type RunResult,
  type WindowPoint,
} from './types.ts';

interface V1Window {
  t: number;
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  p50: number;
  p99: number;
  max: number;
  histogram: string;
}

interface V1Repeat {
  index: number;
  startedAt: string;
  measuredMs: number;
  latencyMs: LatencySummaryMs;
  requests: RequestCounts;
  achievedRps: number;
  sendLatenessMs: LatencySummaryMs;
  histogram: string;
  windows: V1Window[];
  services: RepeatResult['services'];
}

interface V1Arm {
  name: ArmResult['name'];
  latencyMs: LatencySummaryMs;
  requests: RequestCounts;
  achievedRps: number;
  errorRate: number;
  sendLatenessMs: LatencySummaryMs;
  histogram: string;
  repeats: V1Repeat[];
  proxy: { config: unknown; counters: Record<string, number>; audit: Array<{ route: string; zone: string; requests: number }> } | null;
  amplification: { peak: number; mean: number } | null;
}

export interface V1Result {
  schema: typeof RESULT_SCHEMA;
  version: 1;
  id: string;
  startedAt: string;
  finishedAt: string;
  meshbenchVersion: string;
  scenario: Omit<Scenario, 'conditions' | 'load'> & { load: Omit<Scenario['load'], 'warmupMaxS' | 'warmupRequests'> };
  environment: EnvironmentInfo;
  arms: V1Arm[];
  comparison: RunResult['comparison'];
  faults: FaultRecord[];
}

/** v1 counted timeouts, drops and non-2xx statuses; a non-2xx error without a status was a connection error. */
function failuresOf(c: RequestCounts): Record<string, number> {
  const out: Record<string, number> = {};
  if (c.timeouts > 0) countReason(out, 'client-timeout', c.timeouts);
  if (c.dropped > 0) countReason(out, 'dropped', c.dropped);
  let withStatus = 0;
  for (const [status, n] of Object.entries(c.byStatus)) {
    const code = Number(status);
    if (code >= 200 && code < 300) continue;
    countReason(out, `upstream-${Math.floor(code / 100)}xx`, n);
    withStatus += n;
  }
  if (c.errors - withStatus > 0) countReason(out, 'connection-error', c.errors - withStatus);
  return out;
}

function windowOf(w: V1Window): WindowPoint {
  const failures: Record<string, number> = {};
  if (w.timeouts > 0) countReason(failures, 'client-timeout', w.timeouts);
  if (w.dropped > 0) countReason(failures, 'dropped', w.dropped);
  // v1 windows did not keep statuses: their errors can only be "unclassified".
  if (w.errors > 0) countReason(failures, 'unclassified', w.errors);
  const any = w.sent > 0;
  return {
    ...w,
    failures,
    p50: any ? w.p50 : null,
    p99: any ? w.p99 : null,
    max: any ? w.max : null,
    p50All: any ? w.p50 : null,
    p99All: any ? w.p99 : null,
    histogramAll: w.histogram,
  };
}

function repeatOf(r: V1Repeat): RepeatResult {
  return {
    ...r,
    latencyAllMs: r.latencyMs,
    failures: { byReason: failuresOf(r.requests) },
    histogramAll: r.histogram,
    warmup: null,
    windows: r.windows.map(windowOf),
    edges: [],
    proxy: null,
  };
}

function armOf(a: V1Arm): ArmResult {
  const measuredS = a.repeats.reduce((s, r) => s + r.measuredMs / 1000, 0);
  return {
    ...a,
    latencyAllMs: a.latencyMs,
    failures: { byReason: failuresOf(a.requests) },
    goodputRps: measuredS > 0 ? a.requests.ok / measuredS : 0,
    histogramAll: a.histogram,
    repeats: a.repeats.map(repeatOf),
    proxy: a.proxy ? { ...a.proxy, cpuPerKiloRps: null, rssBytes: a.proxy.counters['process_resident_memory_bytes'] ?? null, processes: [] } : null,
    amplification: a.amplification ? { ...a.amplification, edge: 'all services (v1: arrivals ÷ client requests sent)' } : null,
    edges: [],
    recovery: [],
  };
}

/** The version-2 shape of a version-1 result, before analysis. */
export function upgradeV1(doc: V1Result): RunResult {
  const load = { ...doc.scenario.load, warmupMaxS: doc.scenario.load.warmupS, warmupRequests: 0 };
  return {
    schema: RESULT_SCHEMA,
    version: RESULT_VERSION,
    id: doc.id,
    startedAt: doc.startedAt,
    finishedAt: doc.finishedAt,
    meshbenchVersion: doc.meshbenchVersion,
    upgradedFrom: 1,
    scenario: { ...doc.scenario, load, conditions: [] },
    environment: doc.environment,
    host: { cpus: doc.environment.cpus, loadAverageBefore: null, loadAverageAfter: null, otherRunsBefore: [], otherRunsAfter: [] },
    arms: doc.arms.map(armOf),
    comparison: doc.comparison,
    steadyState: null,
    incidents: [],
    faults: doc.faults,
    conditions: [],
    validity: { status: 'valid', reasons: [], checks: [] },
    gates: null,
    verdict: [],
  };
}
