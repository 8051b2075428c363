// Why: moves retries out of the application into the mesh, where they can be bounded: the policy
// decides whether an attempt may be retried, the destination's budget whether it can afford it,
// and no retry starts (or waits) past the deadline. Each retry goes back through the balancer,
// so it usually lands on another endpoint. A request whose body streamed through is never retried
// (the proxy no longer holds it), and a response replaced by a retry's is drained.
import type { Clock } from '../../../src/core/clock.ts';
import type { Rng } from '../../../src/core/rng.ts';
import type { MeshRetryConfig } from '../../../src/scenario/types.ts';
import { discardBody, isReplayable } from '../body.ts';
import type { Layer, ProxyResponse } from '../service.ts';
import type { DestinationMetrics } from '../telemetry/proxy-metrics.ts';
import type { RetryBudget } from './retry-budget.ts';
import { backoffMs, isRetryable } from './retry-policy.ts';

export function retryLayer(config: MeshRetryConfig, budget: RetryBudget, clock: Clock, rng: Rng, metrics: DestinationMetrics): Layer {
  return (inner) => async (req) => {
    budget.deposit(clock.now());
    let res: ProxyResponse = await inner(req);
    if (!isReplayable(req.body)) return res;
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
      discardBody(res.body);
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
