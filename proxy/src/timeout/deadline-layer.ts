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
  return (inner) => async (req) => {
    const now = clock.now();
    const deadlineAt = deadlineFor(now, routeTimeoutMs, req.headers[DEADLINE_HEADER]);
    if (deadlineAt === null) return inner(req);
    const exceeded = (): ProxyResponse => {
      metrics.deadlineExceeded++;
      return proxyError('deadline-exceeded');
    };
    if (deadlineAt <= now) return exceeded();

    const controller = new AbortController();
    const onParentAbort = () => controller.abort(req.signal.reason);
    req.signal.addEventListener('abort', onParentAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const passed = new Promise<'passed'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(DEADLINE_PASSED);
        resolve('passed');
      }, Math.min(MAX_DEADLINE_MS, deadlineAt - now)); // never past a timer's range, even by float error
    });
    try {
      const attempt = inner({ ...req, deadlineAt, signal: controller.signal });
      const res = await Promise.race([attempt, passed]);
      if (res === 'passed') {
        // An answer that arrives after the deadline is not forwarded; its body is drained.
        void attempt.then((late) => discardBody(late.body));
        return exceeded();
      }
      return res.proxyError === 'deadline-exceeded' ? exceeded() : res;
    } finally {
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onParentAbort);
    }
  };
}
