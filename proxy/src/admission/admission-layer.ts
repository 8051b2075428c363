// Why: a queue in front of an overloaded destination only converts overload into latency for
// everyone; past `maxPending` requests in flight the proxy sheds at once with 503 `shed`, which
// the caller can handle in microseconds instead of timing out.
import { proxyError } from '../proxy-error.ts';
import type { Layer } from '../service.ts';
import type { DestinationMetrics } from '../telemetry/proxy-metrics.ts';

/** In-flight count of one destination, shared by all its routes. */
export class Admission {
  pending = 0;

  constructor(readonly maxPending: number) {}

  tryAcquire(): boolean {
    if (this.pending >= this.maxPending) return false;
    this.pending++;
    return true;
  }

  release(): void {
    this.pending--;
  }
}

export function admissionLayer(admission: Admission, metrics: DestinationMetrics): Layer {
  return (inner) => async (req) => {
    if (!admission.tryAcquire()) {
      metrics.shed++;
      return proxyError('shed');
    }
    try {
      return await inner(req);
    } finally {
      admission.release();
    }
  };
}
