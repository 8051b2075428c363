// Why: gate statistics are only trustworthy if they are tried on many results whose truth is
// known: A/A pairs (no change, only noise) and pairs with a real shift. This builds RunResults
// from synthetic lognormal latencies with per-repeat drift, through the real HDR encoding, so the
// gate reads them exactly as it reads a measured run.
import { seededRng, standardNormal, type Rng } from '../../src/core/rng.ts';
import * as hdr from 'hdr-histogram-js';
import { encodeHistogram, recordMs, summarizeMs, type Histogram } from '../../src/stats/histogram.ts';
import type { ArmName } from '../../src/scenario/types.ts';
import { RESULT_SCHEMA, RESULT_VERSION, type ArmResult, type RepeatResult, type RequestCounts, type RunResult } from '../../src/result/types.ts';
import { buildScenario } from '../fixtures/run-result.ts';

export interface SyntheticArm {
  name: ArmName;
  /** Median and 99th percentile of the lognormal latency, before drift. */
  p50Ms: number;
  p99Ms: number;
  repeats: number;
  requestsPerRepeat: number;
  /** Standard deviation of the per-repeat log-scale drift (0.04 ≈ a few % between repeats). */
  drift: number;
  /** Share of requests that fail (recorded like the others). */
  errorShare?: number;
}

export const RATE = 800;

/** Same range and precision as src/stats/histogram.ts, flat counts: several times faster to build. */
function flatHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

function lognormalMs(rng: Rng, p50: number, p99: number): number {
  const sigma = Math.log(p99 / p50) / 2.326;
  return p50 * Math.exp(sigma * standardNormal(rng));
}

function syntheticRepeat(spec: SyntheticArm, index: number, rng: Rng, merged: Histogram): RepeatResult {
  const h = flatHistogram();
  const factor = Math.exp(spec.drift * standardNormal(rng));
  const n = spec.requestsPerRepeat;
  let errors = 0;
  for (let i = 0; i < n; i++) {
    if (rng.next() < (spec.errorShare ?? 0)) errors++;
    const ms = factor * lognormalMs(rng, spec.p50Ms, spec.p99Ms);
    recordMs(h, ms);
    recordMs(merged, ms);
  }
  const requests: RequestCounts = { scheduled: n, sent: n, ok: n - errors, errors, timeouts: 0, dropped: 0, byStatus: { '200': n - errors } };
  const measuredMs = (n / RATE) * 1000;
  const latency = summarizeMs(h);
  return {
    index,
    startedAt: new Date(Date.UTC(2025, 2, 14, 9, 0, index * 30)).toISOString(),
    measuredMs,
    latencyMs: latency,
    latencyAllMs: latency,
    requests,
    failures: { byReason: errors > 0 ? { 'upstream-5xx': errors } : {} },
    achievedRps: n / (measuredMs / 1000),
    sendLatenessMs: latency,
    histogram: encodeHistogram(h),
    histogramAll: encodeHistogram(h),
    warmup: null,
    windows: [],
    services: [],
    edges: [],
    proxy: null,
  };
}

function syntheticArm(spec: SyntheticArm, rng: Rng): ArmResult {
  const merged = flatHistogram();
  const repeats = Array.from({ length: spec.repeats }, (_, i) => syntheticRepeat(spec, i, rng, merged));
  const requests: RequestCounts = { scheduled: 0, sent: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, byStatus: {} };
  for (const r of repeats) {
    requests.scheduled += r.requests.scheduled;
    requests.sent += r.requests.sent;
    requests.ok += r.requests.ok;
    requests.errors += r.requests.errors;
  }
  requests.byStatus = { '200': requests.ok };
  return {
    name: spec.name,
    latencyMs: summarizeMs(merged),
    latencyAllMs: summarizeMs(merged),
    requests,
    failures: { byReason: {} },
    achievedRps: RATE,
    goodputRps: RATE,
    errorRate: (requests.scheduled - requests.ok) / requests.scheduled,
    sendLatenessMs: summarizeMs(merged),
    histogram: encodeHistogram(merged),
    histogramAll: encodeHistogram(merged),
    repeats,
    proxy: null,
    amplification: null,
    edges: [],
    recovery: [],
  };
}

/** A run result of the given arms; the same seed gives the same document. */
export function syntheticResult(seed: number, arms: SyntheticArm[], gates: string[] = []): RunResult {
  const rng = seededRng(seed);
  const scenario = buildScenario({ seed, repeats: arms[0]?.repeats ?? 1, arms: arms.map((a) => a.name), faults: [], gates });
  return {
    schema: RESULT_SCHEMA,
    version: RESULT_VERSION,
    id: `synthetic-${seed}`,
    startedAt: '2025-03-14T09:00:00.000Z',
    finishedAt: '2025-03-14T09:05:00.000Z',
    meshbenchVersion: '0.1.0',
    scenario,
    environment: { node: 'v20.19.0', platform: 'linux', arch: 'x64', kernel: 'synthetic', cpus: 2, cpuModel: 'synthetic', totalMemGiB: 8, backend: 'embedded' },
    host: { cpus: 2, loadAverageBefore: [0.1, 0.1, 0.1], loadAverageAfter: [1, 0.5, 0.2], otherRunsBefore: [], otherRunsAfter: [] },
    arms: arms.map((a) => syntheticArm(a, rng)),
    comparison: null,
    steadyState: null,
    incidents: [],
    faults: [],
    conditions: [],
    // Not analysed: these results exist to exercise the gate statistics, which a valid run reaches.
    validity: { status: 'valid', reasons: [], checks: [] },
    gates: null,
    verdict: [],
  };
}
