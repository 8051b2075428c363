// Why: enforces the deadline: work for a request stops (its signal aborts, upstream requests are
// cancelled) the moment it passes, and the client gets 504 `deadline-exceeded` — never later.
// The deadline bounds the wait for the response's headers; a body that has started streams on.
import type { Clock } from '../../../src/core/clock.ts';
import { discardBody } from '../body.ts';
import { proxyError } from '../proxy-error.ts';
import type { Layer, ProxyResponse } from '../service.ts';
import type { DestinationMetrics } from '../telemetry/proxy-metrics.ts';
import { DEADLINE_PASSED } from './abort-reasons.ts';
import { DEADLINE_HEADER, deadlineFor, MAX_DEADLINE_MS } from './deadline.ts';

export function deadlineLayer(routeTimeoutMs: number | null, clock: Clock, metrics: DestinationMetrics): Layer {
  return (inner) => (req) => {
    const now = clock.now();
    const deadlineAt = deadlineFor(now, routeTimeoutMs, req.headers[DEADLINE_HEADER]);
    if (deadlineAt === null) return inner(req);
    const exceeded = (): ProxyResponse => {
      metrics.deadlineExceeded++;
      return proxyError('deadline-exceeded');
    };
    if (deadlineAt <= now) return Promise.resolve(exceeded());

    const controller = new AbortController();
    const onParentAbort = () => controller.abort(req.signal.reason);
    req.signal.addEventListener('abort', onParentAbort, { once: true });
    return new Promise<ProxyResponse>((resolve, reject) => {
      let passed = false;
      const settle = () => {
        clearTimeout(timer);
        req.signal.removeEventListener('abort', onParentAbort);
      };
      const timer = setTimeout(() => {
        passed = true;
        settle();
        controller.abort(DEADLINE_PASSED);
        resolve(exceeded());
      }, Math.min(MAX_DEADLINE_MS, deadlineAt - now)); // never past a timer's range, even by float error
      inner({ ...req, deadlineAt, signal: controller.signal }).then(
        (res) => {
          // An answer that arrives after the deadline is not forwarded; its body is drained.
          if (passed) return discardBody(res.body);
          settle();
          resolve(res.proxyError === 'deadline-exceeded' ? exceeded() : res);
        },
        (err: unknown) => {
          settle();
          reject(err);
        },
      );
    });
  };
}
