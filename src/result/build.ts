// Why: turns the phases' raw outputs (histograms, counters, fault records) into the versioned
// run result. Pure: no I/O, no clock — so what a result says is a function of what was measured.
import type { ArmName, Scenario } from '../scenario/types.ts';
import { decodeHistogram, encodeHistogram, mergeHistograms, summarizeMs } from '../stats/histogram.ts';
import type { PhaseOutput } from '../runner/phase.ts';
import {
  RESULT_SCHEMA,
  RESULT_VERSION,
  type ArmResult,
  type Comparison,
  type EnvironmentInfo,
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

function toRepeat(p: PhaseOutput): RepeatResult {
  const lg = p.loadgen;
  return {
    index: p.repeat,
    startedAt: p.startedAt,
    measuredMs: lg.measuredMs,
    latencyMs: summarizeMs(decodeHistogram(lg.histogram)),
    requests: lg.requests,
    achievedRps: lg.achievedRps,
    sendLatenessMs: summarizeMs(decodeHistogram(lg.sendLateness)),
    histogram: lg.histogram,
    windows: lg.windows,
    services: p.services,
  };
}

/**
 * Retry amplification: attempts arriving at a service per client request sent, per window.
 * The arm's figure is the most amplified service's (the entry service sees ≈1 by definition).
 */
export function amplification(repeats: RepeatResult[]): ArmResult['amplification'] {
  let peak = 0;
  let arrivals = 0;
  let sent = 0;
  let any = false;
  for (const r of repeats) {
    const clientSent = r.windows.map((w) => w.sent);
    let best = { arrivals: 0, sent: 0 };
    for (const s of r.services) {
      const total = { arrivals: 0, sent: 0 };
      s.windows.forEach((w, i) => {
        const c = clientSent[i] ?? 0;
        if (c > 0) {
          any = true;
          peak = Math.max(peak, w.arrivals / c);
          total.arrivals += w.arrivals;
          total.sent += c;
        }
      });
      if (total.sent > 0 && total.arrivals / total.sent > (best.sent > 0 ? best.arrivals / best.sent : -1)) best = total;
    }
    arrivals += best.arrivals;
    sent += best.sent;
  }
  return any && sent > 0 ? { peak, mean: arrivals / sent } : null;
}

function buildArm(name: ArmName, phases: PhaseOutput[]): ArmResult {
  const repeats = phases.map(toRepeat);
  const merged = mergeHistograms(phases.map((p) => decodeHistogram(p.loadgen.histogram)));
  const lateness = mergeHistograms(phases.map((p) => decodeHistogram(p.loadgen.sendLateness)));
  const requests = sumCounts(repeats.map((r) => r.requests));
  const proxyPhase = phases.find((p) => p.proxy);
  return {
    name,
    latencyMs: summarizeMs(merged),
    requests,
    achievedRps: repeats.reduce((s, r) => s + r.achievedRps, 0) / Math.max(1, repeats.length),
    errorRate: errorRate(requests),
    sendLatenessMs: summarizeMs(lateness),
    histogram: encodeHistogram(merged),
    repeats,
    proxy: proxyPhase?.proxy ? { config: null, counters: proxyPhase.proxy.counters, audit: proxyPhase.proxy.audit } : null,
    amplification: amplification(repeats),
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
    arms,
    comparison: direct && meshed ? compare(direct, meshed) : null,
    faults: phases.flatMap((p) => p.faults),
    verdict: null,
  };
}
