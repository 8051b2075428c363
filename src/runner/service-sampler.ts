// Why: retry amplification and queue growth are read from counters at both ends of each call,
// not guessed: every second of the measured part the runner samples each service (and the mesh
// proxy) and turns the cumulative counters into per-window deltas aligned with the load
// generator's windows — per service (arrivals, queue) and per call edge (requests the caller
// finished, the attempts they took, arrivals at the callee).
import type { ArmProxyStats } from '../backend/contract.ts';
import type { EdgeSeries, ProxyProcessUsage, ProxyUsage, ServiceSeries } from '../result/types.ts';
import type { ArmName, Topology } from '../scenario/types.ts';
import type { ServiceCounters } from '../services/protocol.ts';

type Sample = Map<string, ServiceCounters>;

/** One sampling instant: every live replica's counters and the proxy's (meshed arm). */
export interface TopologySample {
  services: Sample;
  proxy: ArmProxyStats | null;
}

/** Counter growth between two samples of one replica; a restarted replica starts again from zero. */
function grown(cur: number, prev: number | undefined): number {
  const p = prev ?? 0;
  return cur >= p ? cur - p : cur;
}
type WindowCounts = Omit<ServiceSeries['windows'][number], 't'>;
const noCounts = (): WindowCounts => ({ arrivals: 0, completed: 0, expired: 0, inFlight: 0, queueDepth: 0 });

/** The service a sample key names: keys are `service` or one replica's `service#index`. */
function serviceOf(key: string): string {
  const hash = key.lastIndexOf('#');
  return hash < 0 ? key : key.slice(0, hash);
}

/** Turns cumulative samples taken at t = 0, 1, 2 … s, keyed per replica, into per-window
 * series per service. Deltas are taken per replica before summing: a killed replica missing
 * from a sample must not make its service's sum drop and then read as a counter reset. */
export function toServiceSeries(samples: Sample[]): ServiceSeries[] {
  const names = new Set<string>();
  for (const s of samples) for (const key of s.keys()) names.add(serviceOf(key));
  // What each replica last reported; a replica absent from a sample (killed, or slow to
  // answer) counts nothing then and is compared with this when it is back.
  const last = new Map<string, ServiceCounters>(samples[0] ?? []);
  const windows = samples.slice(1).map((now, i) => {
    const sums = new Map<string, WindowCounts>();
    for (const [key, cur] of now) {
      const prev = last.get(key);
      last.set(key, cur);
      const delta = (k: 'arrivals' | 'completed' | 'expired') => grown(cur[k], prev?.[k]);
      const service = serviceOf(key);
      const sum = sums.get(service) ?? noCounts();
      sum.arrivals += delta('arrivals');
      sum.completed += delta('completed');
      sum.expired += delta('expired');
      sum.inFlight += cur.inFlight;
      sum.queueDepth += cur.queueDepth;
      sums.set(service, sum);
    }
    return { t: i, sums };
  });
  return [...names].sort().map((service) => ({
    service,
    windows: windows.map(({ t, sums }) => ({ t, ...(sums.get(service) ?? noCounts()) })),
  }));
}

/**
 * Per call edge and window. Direct arm: the calling app's counters, summed over its replicas
 * (a naive app makes at least one attempt per call). Meshed arm: the proxy's counters for the
 * callee's destination (it makes the attempts; it serves every caller of that destination), plus
 * the client's edge into the entry service, which the proxy also carries.
 */
export function toEdgeSeries(samples: TopologySample[], topology: Topology, arm: ArmName): EdgeSeries[] {
  const arrivalsOf = new Map(toServiceSeries(samples.map((s) => s.services)).map((s) => [s.service, s.windows.map((w) => w.arrivals)]));
  const edges = topology.services.flatMap((s) => s.calls.map((c) => ({ from: s.name, to: c.service })));
  if (arm === 'meshed') edges.unshift({ from: 'client', to: topology.entry });
  return edges.map(({ from, to }) => {
    const windows = samples.slice(1).map((now, i) => {
      const prev = samples[i]!;
      const counts = arm === 'meshed' ? proxyGrowth(prev, now, to) : appGrowth(prev, now, from, to);
      return { t: i, ...counts, arrivals: arrivalsOf.get(to)?.[i] ?? 0 };
    });
    return { from, to, caller: arm === 'meshed' ? 'proxy' : from === 'client' ? 'client' : 'app', windows } satisfies EdgeSeries;
  });
}

function appGrowth(prev: TopologySample, now: TopologySample, from: string, to: string) {
  const out = { requests: 0, attempts: 0, attempted: 0 };
  for (const [key, cur] of now.services) {
    if (serviceOf(key) !== from) continue;
    const c = cur.calls[to];
    if (!c) continue;
    // A restarted replica counts from zero again: then everything it reports is new.
    const p = prev.services.get(key)?.calls[to];
    const restarted = p !== undefined && c.requests < p.requests;
    const requests = restarted || !p ? c.requests : c.requests - p.requests;
    out.requests += requests;
    out.attempted += requests;
    out.attempts += restarted || !p ? c.attempts : c.attempts - p.attempts;
  }
  return out;
}

function proxyGrowth(prev: TopologySample, now: TopologySample, to: string) {
  const c = now.proxy?.destinations[to];
  const p = prev.proxy?.destinations[to];
  if (!c) return { requests: 0, attempts: 0, attempted: 0 };
  return { requests: grown(c.requests, p?.requests), attempts: grown(c.attempts, p?.attempts), attempted: grown(c.attempted, p?.attempted) };
}

/** The proxy's counter growth, CPU and memory over the measured part: first sample to the one
 * `windows` later. Each proxy process counts from its first sample to its last in that span; one
 * that appeared after the first sample (a replaced pod) counts from zero, as it started then. */
export function proxyUsage(samples: TopologySample[], windows: number): ProxyUsage | null {
  const span = samples.slice(0, windows + 1).flatMap((s) => (s.proxy ? [s.proxy] : []));
  const first = samples[0]?.proxy;
  const last = samples[Math.min(windows, samples.length - 1)]?.proxy;
  if (!first || !last) return null;
  const counters: Record<string, number> = {};
  for (const [name, value] of Object.entries(last.counters)) counters[name] = value - (first.counters[name] ?? 0);
  const processes = processUsages(span);
  const rss = processes.flatMap((p) => (p.rssBytes === null ? [] : [p.rssBytes]));
  return {
    counters,
    cpuSeconds: processes.length > 0 && processes.every((p) => p.cpuSeconds !== null) ? processes.reduce((s, p) => s + p.cpuSeconds!, 0) : null,
    rssBytes: rss.length > 0 ? Math.max(...rss) : null,
    processes,
  };
}

function processUsages(span: ArmProxyStats[]): ProxyProcessUsage[] {
  const seen = new Map<string, { first: ArmProxyStats['processes'][number]; last: ArmProxyStats['processes'][number]; fromStart: boolean }>();
  span.forEach((stats, i) => {
    for (const p of stats.processes) {
      const known = seen.get(p.name);
      if (known) known.last = p;
      else seen.set(p.name, { first: p, last: p, fromStart: i === 0 });
    }
  });
  return [...seen.values()].map(({ first, last, fromStart }) => ({
    name: last.name,
    node: last.node,
    cpuSeconds: last.cpuSeconds === null ? null : fromStart ? (first.cpuSeconds === null ? null : last.cpuSeconds - first.cpuSeconds) : last.cpuSeconds,
    rssBytes: last.rssBytes,
  }));
}

/** Samples every `periodMs` from now until stopped; returns the samples taken. */
export function startSampling<S>(sample: () => Promise<S>, periodMs = 1000): { stop(): Promise<S[]> } {
  const samples: S[] = [];
  const t0 = performance.now();
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    inFlight = sample().then((s) => {
      samples.push(s);
    });
    k++;
    if (!stopped) timer = setTimeout(tick, Math.max(0, t0 + k * periodMs - performance.now()));
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      return samples;
    },
  };
}
