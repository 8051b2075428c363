// Why: feeds each attempt's outcome to the endpoint's failure accrual. A failure is a 5xx or a
// transport error; a request abandoned because its own client went away says nothing about the
// endpoint and is not counted.
import type { Clock } from '../../../src/core/clock.ts';
import type { Layer } from '../service.ts';
import { CLIENT_GONE } from '../timeout/abort-reasons.ts';
import type { EndpointMetrics } from '../telemetry/proxy-metrics.ts';
import type { FailureAccrual } from './failure-accrual.ts';

export function accrualLayer(breaker: FailureAccrual, metrics: EndpointMetrics, clock: Clock): Layer {
  return (inner) => async (req) => {
    const epoch = breaker.begin(clock.now());
    const res = await inner(req);
    if (res.status < 500) breaker.success(epoch);
    else if (req.signal.reason !== CLIENT_GONE && breaker.failure(epoch, clock.now())) metrics.ejections++;
    return res;
  };
}
