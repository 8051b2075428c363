// Why: picks one endpoint per attempt among those the circuit breakers allow, by the configured
// strategy, and records the per-request audit (which route reached which zone). It depends only
// on `Load` and the breaker's `available`, never on how either is computed.
import type { Clock } from '../../../src/core/clock.ts';
import type { Rng } from '../../../src/core/rng.ts';
import type { BalancerKind } from '../../../src/scenario/types.ts';
import type { Endpoint } from '../endpoint.ts';
import { proxyError } from '../proxy-error.ts';
import type { Service } from '../service.ts';
import type { AuditRow } from '../telemetry/proxy-metrics.ts';
import { pickP2c } from './p2c.ts';
import { RoundRobin } from './round-robin.ts';

export interface BalancerTarget {
  endpoint: Endpoint;
  /** Audit row of this route at this endpoint's zone. */
  audit: AuditRow;
}

export function balancer(kind: BalancerKind, targets: readonly BalancerTarget[], clock: Clock, rng: Rng): Service {
  const pick = picker(kind, rng);
  const available: BalancerTarget[] = [];
  if (targets.length === 0) return () => Promise.resolve(proxyError('no-endpoints'));
  return (req) => {
    const now = clock.now();
    available.length = 0;
    for (const t of targets) if (t.endpoint.breaker.available(now)) available.push(t);
    const chosen = pick(available, now);
    if (!chosen) return Promise.resolve(proxyError('all-endpoints-ejected'));
    chosen.audit.requests++;
    return chosen.endpoint.service(req);
  };
}

function picker(kind: BalancerKind, rng: Rng): (ts: readonly BalancerTarget[], now: number) => BalancerTarget | undefined {
  switch (kind) {
    case 'round-robin': {
      const rr = new RoundRobin();
      return (ts) => rr.pick(ts);
    }
    case 'p2c-ewma':
    case 'least-pending':
      // The Load behind each endpoint (peak-EWMA or pending) was chosen when it was built.
      return (ts, now) => pickP2c(ts, (t) => t.endpoint.load.cost(now), rng);
  }
}
