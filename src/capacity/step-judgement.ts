// Why: what a step's numbers mean for capacity is decided in one place, as pure functions: when
// a step is collapsing and should be cut short (waiting out an overload teaches nothing and
// delays the sweep), whether the knee it bounds was set by the service being scaled or by
// something else (this machine's CPU, the proxy, another service), and the throughput knee and
// breakpoint read from the steps.

/** A settled 1-second window of a running step, as the load generator reports it. */
export interface LiveWindow {
  scheduled: number;
  dropped: number;
  timeouts: number;
  /** Successful requests' p99; null when none succeeded in the window. */
  p99: number | null;
}

export interface CollapseRule {
  rate: number;
  /** The loosest latency SLO in ms; null when no SLO limits latency. */
  latencyLimitMs: number | null;
}

/** How far past its latency limit a window may be before the step counts as collapsing. */
const COLLAPSE_FACTOR = 5;

/** Why the step is collapsing, or null while it is not. */
export function collapseReason(w: LiveWindow, inFlight: number, rule: CollapseRule): string | null {
  if (w.dropped > 0) return `${w.dropped} arrivals dropped: the generator's in-flight cap was reached`;
  if (w.timeouts > 0.01 * Math.max(1, w.scheduled)) return `${w.timeouts} of ${w.scheduled} requests in one second timed out`;
  if (w.p99 === null && w.scheduled > 0) return `none of ${w.scheduled} requests in one second succeeded`;
  if (rule.latencyLimitMs !== null) {
    if (w.p99 !== null && w.p99 > COLLAPSE_FACTOR * rule.latencyLimitMs) return `window p99 ${w.p99.toFixed(0)} ms, over ${COLLAPSE_FACTOR}× the SLO's ${rule.latencyLimitMs} ms`;
    // Little's law: at the limit, in flight ≈ rate × latency; far beyond it the queue is growing.
    const bound = Math.max(16, (rule.rate * COLLAPSE_FACTOR * rule.latencyLimitMs) / 1000);
    if (inFlight > bound) return `${inFlight} requests in flight, more than ${Math.round(bound)} (rate × ${COLLAPSE_FACTOR} × the latency limit): the queue is growing`;
  }
  return null;
}

/** A step's view of the service being scaled, from its counters sampled during the step. */
export interface BottleneckLoad {
  /** Highest share of its pool connections in use (summed over replicas) in any sample. */
  maxPoolBusy: number;
  /** Longest queue for a pool connection (summed over replicas) in any sample. */
  maxQueue: number;
  /** How long a query held its connection, ms (Little's law on the pool); null when none completed. */
  queryMs: number | null;
}

/** Pool share in use from which the scaled service counts as saturated. */
export const SATURATED_POOL = 0.9;
/** Queries that held their connection this much longer than configured (plus SLOWED_SLACK_MS for
 * timer granularity) were slowed by the machine: its CPU, not the service's pool, set the pace.
 * On a quiet machine a 10 ms query holds its connection 10.4–10.6 ms. */
export const SLOWED_QUERY = 1.1;
export const SLOWED_SLACK_MS = 0.5;

/** Who set a knee: the scaled service, this machine, or something else along the path. */
export type KneeLimit = 'service' | 'machine' | 'elsewhere';

/**
 * Judged on the step that broke the SLO just above a knee. A synthetic service's queries hold a
 * connection for a configured time (`configuredQueryMs`, contention included); when they held it
 * markedly longer, the machine was too busy to run them on time — a late timer fills a pool as
 * surely as load does — and the knee is the machine's. Otherwise the service set the knee when it
 * was saturated or queueing; when it was neither, the SLO broke somewhere else (another service,
 * the proxy, a stall).
 */
export function kneeLimit(load: BottleneckLoad, configuredQueryMs: number): KneeLimit {
  if (load.queryMs !== null && load.queryMs > SLOWED_QUERY * configuredQueryMs + SLOWED_SLACK_MS) return 'machine';
  return load.maxPoolBusy >= SATURATED_POOL || load.maxQueue > 0 ? 'service' : 'elsewhere';
}

export interface ThroughputStep {
  rate: number;
  /** Successful responses per second. */
  okRps: number;
  /** Cut short because it collapsed. */
  collapsed: boolean;
}

/** Goodput at least this share of the offered rate: the system still keeps up. */
export const KEEPS_UP = 0.95;
/** Goodput below this share (or a collapse): the system has broken down. */
export const BROKEN = 0.9;

/**
 * Throughput knee: the highest offered rate whose goodput kept up with it. Breakpoint: the lowest
 * offered rate at which the system broke down. Null when no step showed it.
 */
export function throughputFigures(steps: readonly ThroughputStep[]): { throughputKneeRps: number | null; breakpointRps: number | null } {
  const keptUp = steps.filter((s) => !s.collapsed && s.okRps >= KEEPS_UP * s.rate).map((s) => s.rate);
  const broke = steps.filter((s) => s.collapsed || s.okRps < BROKEN * s.rate).map((s) => s.rate);
  return {
    throughputKneeRps: keptUp.length > 0 ? Math.max(...keptUp) : null,
    breakpointRps: broke.length > 0 ? Math.min(...broke) : null,
  };
}
