// Why: *whether* a failed attempt may be retried and *how long* to wait are decisions about the
// request, separate from *whether the destination can afford it* (the budget). Pure functions of
// the response, the method and a seeded Rng.
import type { Rng } from '../../../src/core/rng.ts';
import type { MeshRetryConfig } from '../../../src/scenario/types.ts';
import type { ProxyResponse } from '../service.ts';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * A connection that failed before the request was sent is always safe to retry. Anything else
 * (a configured status, or a reset after sending, which the client sees as 502) only for
 * idempotent methods, unless `retryNonIdempotent`.
 */
export function isRetryable(config: MeshRetryConfig, method: string, res: ProxyResponse): boolean {
  if (res.proxyError === 'upstream-unreachable') return true;
  const fromUpstream = res.proxyError === null || res.proxyError === 'upstream-reset';
  if (!fromUpstream || !config.retryOn.includes(res.status)) return false;
  return config.retryNonIdempotent || IDEMPOTENT.has(method.toUpperCase());
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base · 2^retry)). */
export function backoffMs(config: MeshRetryConfig, retryIndex: number, rng: Rng): number {
  const cap = Math.min(config.backoff.maxMs, config.backoff.baseMs * 2 ** retryIndex);
  return cap * rng.next();
}
