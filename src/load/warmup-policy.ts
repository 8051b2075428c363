// Why: a fixed warmup either wastes time or, after a cold start (JIT, connection set-up, a
// proxy's first EWMA samples), leaves a transient in the first measured seconds that reads as
// "the mesh costs +75 ms at p99". So the warmup lasts at least `load.warmup` and then until the
// per-second p99 has settled — two consecutive finished seconds agree — or, when the rate is too
// low for a per-second p99, until every hop has carried `warmupRequests` requests (every request
// of a synthetic topology crosses every hop, so the client's count is each hop's count). At
// `warmupMax` it stops anyway and says so. Pure: decisions are a function of the windows seen.

/** One finished second of the warmup whose requests have all completed. */
export interface WarmupWindow {
  /** Seconds since the phase start. */
  t: number;
  sent: number;
  ok: number;
  /** p99 of the successful requests, ms; null when none succeeded. */
  p99: number | null;
}

export type WarmupEnd = 'fixed' | 'settled' | 'requests' | 'max';

export interface WarmupPolicy {
  minMs: number;
  maxMs: number;
  /** Requests every hop must have carried, for rates too low for a per-second p99. */
  requests: number;
}

/** A per-second p99 needs this many requests a second to be more than the window's maximum. */
const MIN_WINDOW_REQUESTS = 100;
/** Two seconds agree when their p99s differ by at most this factor … */
const SETTLED_FACTOR = 1.5;
/** … or by at most this many ms (a 10 ms service's p99 moves by a few ms from second to second). */
const SETTLED_SLACK_MS = 2;

export function isFixed(policy: WarmupPolicy): boolean {
  return policy.maxMs <= policy.minMs;
}

/** The phase offsets (ms) at which the warmup may end: the minimum, then whole seconds up to the maximum. */
export function warmupBoundaries(policy: WarmupPolicy): number[] {
  if (isFixed(policy)) return [policy.minMs];
  const out: number[] = [];
  for (let b = Math.ceil(policy.minMs / 1000) * 1000; b < policy.maxMs; b += 1000) out.push(b);
  out.push(Math.ceil(policy.maxMs / 1000) * 1000);
  return [...new Set(out)];
}

function agree(a: number, b: number): boolean {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return hi <= lo * SETTLED_FACTOR || hi - lo <= SETTLED_SLACK_MS;
}

/**
 * Whether the warmup ends at `boundaryMs` (one of warmupBoundaries), given the finished warmup
 * windows so far (ascending, complete ones only); null = keep warming up.
 */
export function warmupDecision(policy: WarmupPolicy, boundaryMs: number, windows: readonly WarmupWindow[]): WarmupEnd | null {
  if (isFixed(policy)) return boundaryMs >= policy.minMs ? 'fixed' : null;
  if (boundaryMs < policy.minMs) return null;
  const last = windows.slice(-2);
  if (last.length === 2 && last[1]!.t === last[0]!.t + 1) {
    const [a, b] = last as [WarmupWindow, WarmupWindow];
    // Density is the rate (requests sent); a second where requests failed is not "sparse", just not settled.
    const dense = a.sent >= MIN_WINDOW_REQUESTS && b.sent >= MIN_WINDOW_REQUESTS;
    if (dense && a.p99 !== null && b.p99 !== null && agree(a.p99, b.p99)) return 'settled';
    // Only a request that succeeded is known to have crossed every hop.
    const carried = windows.reduce((n, w) => n + w.ok, 0);
    if (!dense && carried >= policy.requests) return 'requests';
  }
  return boundaryMs >= policy.maxMs ? 'max' : null;
}
