// Why: "3 % failed" is not something a user can act on; "2.9 % deadline-exceeded at the proxy,
// 0.1 % client timeouts" is. Every request that did not succeed gets exactly one reason, so the
// reasons of a window add up to its failures (scheduled − ok) and can be drawn as rates.
import type { Outcome } from './executor.ts';

/**
 * `client-timeout` — the generator gave up (load.timeout); `connection-error` — no response
 * (refused, reset, closed early); `proxy:<reason>` — the proxy answered itself (shed,
 * deadline-exceeded, all-endpoints-ejected, …); `upstream-5xx` / `upstream-4xx` — a service
 * answered with that status; `dropped` — never sent because maxInFlight requests were out.
 */
export type FailureReason = 'client-timeout' | 'connection-error' | 'dropped' | `upstream-${number}xx` | `proxy:${string}`;

/** The reason a completed request failed, or null when it succeeded (2xx). */
export function failureReason(outcome: Outcome): FailureReason | null {
  switch (outcome.kind) {
    case 'timeout':
      return 'client-timeout';
    case 'error':
      return 'connection-error';
    case 'response':
      if (outcome.status >= 200 && outcome.status < 300) return null;
      if (outcome.proxyError) return `proxy:${outcome.proxyError}`;
      return `upstream-${Math.floor(outcome.status / 100)}xx`;
  }
}

/** Adds `n` failures of `reason` to a by-reason count. */
export function countReason(byReason: Record<string, number>, reason: string, n = 1): void {
  byReason[reason] = (byReason[reason] ?? 0) + n;
}
