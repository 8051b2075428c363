// Why: the Linkerd/Finagle defaults in one value (router 4140, admin 9990, peak-EWMA with a
// 10 s decay, retry budget 20 % + 10/s over 10 s), for tools and tests that start a proxy
// without a scenario. Scenario parsing owns the user-facing defaults; these match them.
import type { MeshConfig } from '../../src/scenario/types.ts';

export function defaultMeshConfig(): MeshConfig {
  return {
    port: 4140,
    adminPort: 9990,
    bindAddress: '127.0.0.1',
    balancer: 'p2c-ewma',
    ewma: { decayMs: 10_000, defaultRttMs: 30 },
    retry: {
      enabled: true,
      retryOn: [502, 503, 504],
      maxRetries: 3,
      retryNonIdempotent: false,
      backoff: { baseMs: 5, maxMs: 100 },
      budget: { percentCanRetry: 0.2, minRetriesPerSec: 10, ttlMs: 10_000 },
    },
    breaker: { enabled: true, consecutiveFailures: 5, backoff: { minMs: 500, maxMs: 10_000, jitter: 0.5 } },
    timeoutMs: null,
    propagateDeadline: true,
    maxPending: null,
    routes: [],
    limits: { maxHeaderBytes: 16_384, headerTimeoutMs: 10_000, idleTimeoutMs: 60_000 },
  };
}
