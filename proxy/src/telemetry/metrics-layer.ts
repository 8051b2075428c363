// Why: counts what the client of one (destination, route) saw — status class and latency (to the
// response's headers: the body streams after) — including the proxy's own refusals, and how many attempts each request took, by incrementing
// fields of a pre-built object. Attempts are counted per request when it finishes, so attempts ÷
// attempted requests is bounded by 1 + maxRetries in any window, and a fast failure (no attempt)
// is counted apart instead of pulling the ratio below 1.
import type { Clock } from '../../../src/core/clock.ts';
import type { Layer } from '../service.ts';
import type { RouteMetrics } from './proxy-metrics.ts';

export function metricsLayer(metrics: RouteMetrics, clock: Clock): Layer {
  return (inner) => async (req) => {
    const start = clock.now();
    const attempts = { count: 0 };
    const res = await inner({ ...req, attempts });
    metrics.record(res.status, clock.now() - start, attempts.count);
    return res;
  };
}
