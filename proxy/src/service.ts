// Why: every proxy concern (routing, deadlines, retries, balancing, breaking, admission,
// metrics) is a small layer over this one function type, as in tower and Finagle, so a stack is a
// list of values that can be reordered, replaced or left out — and each piece tested alone.
// Bodies stream through; a request body small enough to hold whole (body.ts) can be sent again.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Body } from './body.ts';
import type { ProxyErrorReason } from './proxy-error.ts';

export interface ProxyRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Held whole (replayable: a retry sends it again) or streaming through once (never retried). */
  body: Body;
  /** Absolute deadline on the proxy's clock (ms); null = none. */
  deadlineAt: number | null;
  /** Aborted when the deadline passes or the client goes away: stop all work for it. */
  signal: AbortSignal;
  /**
   * Attempts this request sent to endpoints (retries included), counted by the endpoint layer.
   * An object, so copies of the request made by inner layers share it.
   */
  attempts?: { count: number };
}

export interface ProxyResponse {
  status: number;
  /** content-length is set only on a streamed body whose length the upstream announced. */
  headers: OutgoingHttpHeaders;
  /** The proxy's own answers are buffers; an upstream's body streams to the client. */
  body: Body;
  /** Why the proxy itself answered (never set for an upstream's own response). */
  proxyError: ProxyErrorReason | null;
}

export type Service = (req: ProxyRequest) => Promise<ProxyResponse>;
export type Layer = (inner: Service) => Service;

/** A named layer, so a stack is data that can be listed (state.json) and compared (bench). */
export interface StackModule {
  name: string;
  layer: Layer;
}

/** Applies modules outermost first: [a, b] gives a(b(service)). */
export function buildStack(modules: readonly StackModule[], service: Service): Service {
  return modules.reduceRight((inner, m) => m.layer(inner), service);
}
