// Why: the per-endpoint state shared by every route to a destination: its load metric, its
// circuit breaker and its counters, plus the client that sends to it. Routes pick among these.
import type { Clock } from '../../src/core/clock.ts';
import type { FailureAccrual } from './breaker/failure-accrual.ts';
import type { Load } from './balance/load.ts';
import type { Service, StackModule } from './service.ts';
import { buildStack } from './service.ts';
import { accrualLayer } from './breaker/accrual-layer.ts';
import { loadLayer } from './balance/load-layer.ts';
import type { EndpointMetrics } from './telemetry/proxy-metrics.ts';
import { statusClass } from './telemetry/proxy-metrics.ts';

export interface Endpoint {
  address: string;
  labels: Record<string, string>;
  load: Load;
  breaker: FailureAccrual;
  metrics: EndpointMetrics;
  /** The client wrapped in the endpoint's own layers (breaker accrual, load tracking, counts). */
  service: Service;
}

export function makeEndpoint(
  parts: Omit<Endpoint, 'service'>,
  client: Service,
  clock: Clock,
  breakerOn: boolean,
): Endpoint {
  const modules: StackModule[] = [
    { name: 'endpoint-metrics', layer: countLayer(parts.metrics) },
    ...(breakerOn ? [{ name: 'failure-accrual', layer: accrualLayer(parts.breaker, parts.metrics, clock) }] : []),
    { name: 'load', layer: loadLayer(parts.load, clock) },
  ];
  return { ...parts, service: buildStack(modules, client) };
}

function countLayer(metrics: EndpointMetrics) {
  return (inner: Service): Service =>
    async (req) => {
      if (req.attempts) req.attempts.count++;
      const res = await inner(req);
      metrics.responses[statusClass(res.status)]++;
      return res;
    };
}
