// Why: a synthetic service's cost is simulated time drawn from the scenario's distribution with
// the scenario's seed, so capacity is explicit and runs are reproducible (DESIGN.md §3).
import { exponential, standardNormal, type Rng } from '../core/rng.ts';
import type { Contention, Distribution } from '../scenario/types.ts';

const Z99 = 2.3263478740408408;

/** Returns a sampler of service times in milliseconds. */
export function serviceTimeSampler(dist: Distribution, rng: Rng): () => number {
  switch (dist.kind) {
    case 'fixed':
      return () => dist.ms;
    case 'uniform':
      return () => dist.minMs + rng.next() * (dist.maxMs - dist.minMs);
    case 'exponential':
      return () => exponential(rng, dist.meanMs);
    case 'lognormal': {
      const mu = Math.log(dist.p50Ms);
      const sigma = Math.log(dist.p99Ms / dist.p50Ms) / Z99;
      return () => Math.exp(mu + sigma * standardNormal(rng));
    }
  }
}

/** Mean service time in ms: capacity per replica is pool / mean. */
export function meanServiceTimeMs(dist: Distribution): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.ms;
    case 'uniform':
      return (dist.minMs + dist.maxMs) / 2;
    case 'exponential':
      return dist.meanMs;
    case 'lognormal': {
      const sigma = Math.log(dist.p99Ms / dist.p50Ms) / Z99;
      return dist.p50Ms * Math.exp((sigma * sigma) / 2);
    }
  }
}

/** Time every query spends coordinating with the other replicas: σ-like per other replica,
 * κ-like per ordered pair, so capacity = replicas × pool / (mean + this) follows the USL. */
export function contentionDelayMs(contention: Contention | null, replicas: number): number {
  if (!contention) return 0;
  return contention.perOtherReplicaMs * (replicas - 1) + contention.perReplicaPairMs * replicas * (replicas - 1);
}

/** Requests per second a service's replicas can complete by construction: replicas × pool / time per query. */
export function nominalCapacityRps(spec: { pool: number; serviceTime: Distribution; contention: Contention | null }, replicas: number): number {
  const ms = meanServiceTimeMs(spec.serviceTime) + contentionDelayMs(spec.contention, replicas);
  return ms > 0 ? (replicas * spec.pool * 1000) / ms : Number.POSITIVE_INFINITY;
}
