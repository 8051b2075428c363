// Why: counts what the client of one (destination, route) saw — status class and latency —
// including the proxy's own refusals, by incrementing fields of a pre-built object.
import type { Clock } from '../../../src/core/clock.ts';
import type { Layer } from '../service.ts';
import type { RouteMetrics } from './proxy-metrics.ts';

export function metricsLayer(metrics: RouteMetrics, clock: Clock): Layer {
  return (inner) => async (req) => {
    const start = clock.now();
    const res = await inner(req);
    metrics.record(res.status, clock.now() - start);
    return res;
  };
}
