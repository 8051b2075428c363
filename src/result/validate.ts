// Why: report, gate and baseline trust a result.json's shape; a file with the right schema and
// version but a missing or corrupt field used to crash them (exit 70, a stack trace). The whole
// document is checked here against the run-result types, every field named with its path, so a
// bad file is bad input (exit 2) before anything reads it. Fields other versions of meshbench
// add are left alone. Pure: a value in, the problems out.
import type { LatencySummaryMs } from '../stats/histogram.ts';
import { isEncodedHistogram } from '../stats/histogram.ts';
import { CPU_PINNING_MODES } from '../runtime/cpu-pinning.ts';

type Check = (value: unknown, path: string, out: string[]) => void;

function found(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const fail = (out: string[], path: string, expected: string, value: unknown) => out.push(`${path}: expected ${expected}, found ${found(value)}`);

const num: Check = (v, p, out) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(out, p, 'a number', v);
};
const count: Check = (v, p, out) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(out, p, 'a count (a whole number ≥ 0)', v);
};
const str: Check = (v, p, out) => {
  if (typeof v !== 'string') fail(out, p, 'text', v);
};
const bool: Check = (v, p, out) => {
  if (typeof v !== 'boolean') fail(out, p, 'true or false', v);
};
const unknownValue: Check = () => {};

function oneOf(values: readonly unknown[]): Check {
  return (v, p, out) => {
    if (!values.includes(v)) fail(out, p, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
  };
}

function nullable(check: Check): Check {
  return (v, p, out) => {
    if (v !== null) check(v, p, out);
  };
}

/** A field later results carry and earlier ones of the same version lack (read.ts fills it in). */
function absentOr(check: Check): Check {
  return (v, p, out) => {
    if (v !== undefined) check(v, p, out);
  };
}

function list(check: Check): Check {
  return (v, p, out) => {
    if (!Array.isArray(v)) return fail(out, p, 'a list', v);
    v.forEach((item, i) => check(item, `${p}[${i}]`, out));
  };
}

function record(check: Check): Check {
  return (v, p, out) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(out, p, 'an object', v);
    for (const [k, item] of Object.entries(v)) check(item, `${p}.${k}`, out);
  };
}

function obj(fields: Record<string, Check>): Check {
  return (v, p, out) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(out, p, 'an object', v);
    const o = v as Record<string, unknown>;
    for (const [k, check] of Object.entries(fields)) check(o[k], p === '' ? k : `${p}.${k}`, out);
  };
}

/** An encoded HDR histogram that decodes (report and gate merge them). */
const histogram: Check = (v, p, out) => {
  if (typeof v !== 'string') return fail(out, p, 'an encoded histogram', v);
  if (!isEncodedHistogram(v)) out.push(`${p}: is not an encoded HDR histogram (it does not decode)`);
};

const latency = obj({ p50: num, p90: num, p99: num, p999: num, max: num, mean: num, count: count } satisfies Record<keyof LatencySummaryMs, Check>);
const requests = obj({ scheduled: count, sent: count, ok: count, errors: count, timeouts: count, dropped: count, byStatus: record(count) });
// Version 2 keeps successful requests' latency (null in a window where none succeeded) beside
// every request's, and failures by reason.
const windowV1 = obj({ t: num, scheduled: count, sent: count, ok: count, errors: count, timeouts: count, dropped: count, p50: num, p99: num, max: num, histogram });
const windowV2 = obj({
  t: num, scheduled: count, sent: count, ok: count, errors: count, timeouts: count, dropped: count,
  failures: record(count), p50: nullable(num), p99: nullable(num), max: nullable(num), p50All: nullable(num), p99All: nullable(num), histogram, histogramAll: histogram,
});
const serviceSeries = obj({
  service: str,
  windows: list(obj({ t: num, arrivals: count, completed: count, expired: count, inFlight: num, queueDepth: num })),
});
const repeatV1 = obj({ index: count, startedAt: str, measuredMs: num, latencyMs: latency, requests, achievedRps: num, sendLatenessMs: latency, histogram, windows: list(windowV1), services: list(serviceSeries) });
const failures = obj({ byReason: record(count) });
const edgeSeries = obj({
  from: str,
  to: str,
  caller: oneOf(['client', 'app', 'proxy']),
  windows: list(obj({ t: num, requests: count, attempts: count, attempted: count, arrivals: count })),
});
const edgeSummary = obj({ edge: str, from: str, to: str, caller: oneOf(['client', 'app', 'proxy']), peak: num, mean: num, requests: count, notAttempted: count });
// Per proxy process (pod) CPU and memory: results written before it lack the list.
const proxyProcess = { name: str, node: nullable(str), cpuSeconds: nullable(num), rssBytes: nullable(num) };
const repeatV2 = obj({
  index: count, startedAt: str, measuredMs: num, latencyMs: latency, latencyAllMs: latency, requests, achievedRps: num, sendLatenessMs: latency,
  histogram, histogramAll: histogram, windows: list(windowV2), services: list(serviceSeries), edges: list(edgeSeries), failures,
  proxy: nullable(obj({ counters: record(num), cpuSeconds: nullable(num), rssBytes: nullable(num), processes: absentOr(list(obj(proxyProcess))) })),
  warmup: nullable(obj({ ms: num, endedBy: oneOf(['fixed', 'settled', 'requests', 'max']), windows: list(obj({ t: num, sent: count, ok: count, p99: nullable(num) })) })),
});
const armCommon = {
  name: oneOf(['direct', 'meshed']),
  latencyMs: latency,
  requests,
  achievedRps: num,
  errorRate: num,
  sendLatenessMs: latency,
  histogram,
  proxy: nullable(obj({ config: unknownValue, counters: record(num), audit: list(obj({ route: str, zone: str, requests: count })) })),
  amplification: nullable(obj({ peak: num, mean: num })),
  recovery: list(obj({ fault: str, repeat: count, recoveredAfterS: nullable(num) })),
};
const armV1 = obj({ ...armCommon, repeats: list(repeatV1) });
const proxyReportV2 = obj({
  config: unknownValue, counters: record(num), audit: list(obj({ route: str, zone: str, requests: count })),
  cpuPerKiloRps: nullable(num), rssBytes: nullable(num), processes: absentOr(list(obj({ ...proxyProcess, repeat: count }))),
});
const armV2 = obj({ ...armCommon, proxy: nullable(proxyReportV2), repeats: list(repeatV2), latencyAllMs: latency, goodputRps: num, histogramAll: histogram, edges: list(edgeSummary), failures });
const target: Check = (v, p, out) => {
  const kind = (v as { kind?: unknown } | null)?.kind;
  if (kind === 'link') obj({ from: str, to: str })(v, p, out);
  else if (kind === 'service') obj({ service: str, replica: nullable(count) })(v, p, out);
  else fail(out, `${p}.kind`, '"service" or "link"', kind);
};
const faultRecord = obj({
  name: str,
  kind: str,
  target,
  arm: oneOf(['direct', 'meshed']),
  repeat: count,
  mechanism: str,
  requestedStartMs: num,
  requestedStopMs: num,
  actualStartMs: nullable(num),
  actualStopMs: nullable(num),
  error: nullable(str),
});
const distribution: Check = (v, p, out) => {
  const kinds: Record<string, Record<string, Check>> = {
    fixed: { ms: num },
    uniform: { minMs: num, maxMs: num },
    exponential: { meanMs: num },
    lognormal: { p50Ms: num, p99Ms: num },
  };
  const kind = (v as { kind?: unknown } | null)?.kind;
  const fields = typeof kind === 'string' ? kinds[kind] : undefined;
  if (fields === undefined) return fail(out, `${p}.kind`, `one of ${Object.keys(kinds).join(', ')}`, kind);
  obj(fields)(v, p, out);
};
const scenarioFields = {
  file: str,
  name: str,
  description: str,
  seed: count,
  repeats: count,
  backend: obj({ kind: oneOf(['embedded', 'kubernetes']) }),
  topology: obj({
    entry: str,
    services: list(
      obj({
        name: str,
        replicas: count,
        serviceTime: distribution,
        pool: count,
        responseBytes: count,
        calls: list(obj({ service: str, retry: obj({ timeoutMs: nullable(num), retries: count, backoffMs: num }) })),
        zones: nullable(list(str)),
        external: nullable(str),
      }),
    ),
  }),
  load: obj({
    rate: num,
    arrival: oneOf(['constant', 'poisson']),
    warmupS: num,
    durationS: num,
    ramp: nullable(obj({ fromRate: num, overS: num })),
    maxInFlight: count,
    timeoutMs: num,
    method: str,
    path: str,
    classes: list(obj({ name: str, weight: num, headers: record(str) })),
  }),
  arms: list(oneOf(['direct', 'meshed'])),
  mesh: obj({
    port: count,
    adminPort: count,
    bindAddress: str,
    balancer: str,
    ewma: obj({ decayMs: num, defaultRttMs: num }),
    retry: obj({
      enabled: bool,
      retryOn: list(count),
      maxRetries: count,
      retryNonIdempotent: bool,
      backoff: obj({ baseMs: num, maxMs: num }),
      budget: obj({ percentCanRetry: num, minRetriesPerSec: num, ttlMs: num }),
    }),
    breaker: obj({ enabled: bool, consecutiveFailures: count, backoff: obj({ minMs: num, maxMs: num, jitter: num }) }),
    timeoutMs: nullable(num),
    propagateDeadline: bool,
    maxPending: nullable(count),
    routes: list(obj({ name: str, match: obj({ header: str, value: nullable(str) }), subset: record(str), failClosed: bool })),
    limits: obj({ maxHeaderBytes: count, headerTimeoutMs: num, idleTimeoutMs: num }),
  }),
  faults: list(obj({ name: str, kind: str, target, atMs: num, durationMs: num })),
  gates: list(str),
  gateOptions: obj({ inconclusive: oneOf(['pass', 'fail']), confidence: num }),
  recovery: obj({ p99Factor: num, minSuccessRate: num, stableMs: num }),
  toxiproxyUrl: nullable(str),
};
const scenarioV1 = obj(scenarioFields);
const scenarioV2 = obj({ ...scenarioFields, conditions: list(obj({ name: str, kind: str, target })) });

const runResultCommon = {
  id: str,
  startedAt: str,
  finishedAt: str,
  meshbenchVersion: str,
  environment: obj({ node: str, platform: str, arch: str, kernel: str, cpus: count, cpuModel: str, totalMemGiB: num, backend: oneOf(['embedded', 'kubernetes']) }),
  comparison: nullable(
    obj({
      base: oneOf(['direct', 'meshed']),
      other: oneOf(['direct', 'meshed']),
      addedMs: obj({ p50: num, p99: num, p999: num }),
      ratio: obj({ p50: num, p99: num, p999: num }),
    }),
  ),
  faults: list(faultRecord),
};
const runResultV1 = obj({ ...runResultCommon, scenario: scenarioV1, arms: list(armV1), verdict: nullable(str) });
const interval = nullable(obj({ lo: num, hi: num }));
const cost = obj({ addedMs: num, interval, floorMs: num, measurable: bool });
const steadyState = nullable(
  obj({
    arms: list(
      obj({
        arm: oneOf(['direct', 'meshed']),
        windows: count,
        latencyMs: latency,
        successRate: num,
        goodputRps: num,
        histogram,
        repeats: list(obj({ repeat: count, windows: count, latencyMs: latency, successRate: num, histogram, windowTimes: list(num) })),
      }),
    ),
    cost: nullable(obj({ p50: cost, p99: cost })),
  }),
);
const gateOutcome = obj({
  expression: str,
  status: oneOf(['pass', 'fail', 'inconclusive']),
  statistic: str,
  value: nullable(num),
  interval,
  text: obj({ measured: str, interval: str, threshold: str }),
  verdict: str,
});
const windowStats = nullable(obj({ windows: count, p50: nullable(num), p99: nullable(num), successRate: num, goodputRps: num, failures: record(count) }));
const incident = obj({
  fault: str,
  kind: str,
  atMs: num,
  durationMs: num,
  arms: list(
    obj({
      arm: oneOf(['direct', 'meshed']),
      repeats: list(
        obj({
          repeat: count,
          before: windowStats,
          during: windowStats,
          recovery: oneOf(['recovered', 'not-recovered', 'no-time', 'no-baseline']),
          recoveredAfterS: nullable(num),
          recoveryWindows: count,
        }),
      ),
    }),
  ),
});
const cpuPinning = obj({ mode: oneOf(CPU_PINNING_MODES), applied: nullable(obj({ generator: str, proxy: str, services: str })), reason: str });
const runResultV2 = obj({
  ...runResultCommon,
  scenario: scenarioV2,
  host: obj({ cpus: count, loadAverageBefore: nullable(list(num)), loadAverageAfter: nullable(list(num)), otherRunsBefore: list(str), otherRunsAfter: list(str), hypervisorSteal: absentOr(nullable(num)), cpuPinning: absentOr(cpuPinning) }),
  steadyState,
  arms: list(armV2),
  conditions: list(faultRecord),
  incidents: list(incident),
  validity: obj({ status: oneOf(['valid', 'inconclusive', 'invalid']), reasons: list(obj({ check: str, message: str })), checks: list(obj({ check: str, message: str })) }),
  gates: nullable(list(gateOutcome)),
  verdict: list(str),
});

/** Every problem with the document's shape (by its version), as `path: expected …, found …`;
 * empty when sound. */
export function resultProblems(doc: unknown): string[] {
  const out: string[] = [];
  ((doc as { version?: unknown } | null)?.version === 1 ? runResultV1 : runResultV2)(doc, '', out);
  return out;
}
