// Why: moves retries out of the application into the mesh, where they can be bounded: the policy
// decides whether an attempt may be retried, the destination's budget whether it can afford it,
// and no retry starts (or waits) past the deadline. Each retry goes back through the balancer,
// so it usually lands on another endpoint.
import type { Clock } from '../../../src/core/clock.ts';
import type { Rng } from '../../../src/core/rng.ts';
import type { MeshRetryConfig } from '../../../src/scenario/types.ts';
import type { Layer, ProxyResponse } from '../service.ts';
import type { DestinationMetrics } from '../telemetry/proxy-metrics.ts';
import type { RetryBudget } from './retry-budget.ts';
import { backoffMs, isRetryable } from './retry-policy.ts';

export function retryLayer(config: MeshRetryConfig, budget: RetryBudget, clock: Clock, rng: Rng, metrics: DestinationMetrics): Layer {
  return (inner) => async (req) => {
    budget.deposit(clock.now());
    let res: ProxyResponse = await inner(req);
    for (let retry = 0; retry < config.maxRetries; retry++) {
      if (req.signal.aborted || !isRetryable(config, req.method, res)) return res;
      const delay = backoffMs(config, retry, rng);
      const now = clock.now();
      if (req.deadlineAt !== null && now + delay >= req.deadlineAt) return res;
      if (!budget.tryWithdraw(now)) {
        metrics.budgetRefusals++;
        return res;
      }
      metrics.retries++;
      if (delay >= 1) await sleep(delay, req.signal);
      if (req.signal.aborted) return res;
      res = await inner(req);
    }
    return res;
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
