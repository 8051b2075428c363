// Why: a user reading a failed request must be able to tell the proxy's own refusal (shed,
// ejected, fail-closed, deadline) from an upstream's answer; every proxy-made response names its
// reason in one header with a stable value.
import type { ProxyResponse } from './service.ts';

export const PROXY_ERROR_HEADER = 'x-meshbench-proxy-error';

export type ProxyErrorReason =
  /** No destination for the Host header. */
  | 'no-route'
  /** A fail-closed policy route has no endpoint with the required labels. */
  | 'no-subset-endpoint'
  /** Every candidate endpoint is ejected by its circuit breaker. */
  | 'all-endpoints-ejected'
  /** The destination has no endpoint at all (discovery found none ready, or has not synced yet). */
  | 'no-endpoints'
  /** Admission control: the destination has maxPending requests in flight. */
  | 'shed'
  /** The route timeout or the caller's propagated deadline passed. */
  | 'deadline-exceeded'
  /** The connection to the endpoint failed before the request was sent. */
  | 'upstream-unreachable'
  /** The endpoint reset or closed the connection after the request was sent. */
  | 'upstream-reset'
  /** A bug in the proxy; the request failed instead of the process. */
  | 'internal-error'
  /** The request line or Host broke RFC 9112 (two Hosts, none in HTTP/1.1, a bad target). */
  | 'bad-request'
  /** The connection already had its most requests in flight (pipelining); it is closed. */
  | 'pipeline-limit'
  /** The client address already had its most requests in flight. */
  | 'client-limit';

const STATUS: Record<ProxyErrorReason, number> = {
  'no-route': 404,
  'no-subset-endpoint': 503,
  'all-endpoints-ejected': 503,
  'no-endpoints': 503,
  shed: 503,
  'deadline-exceeded': 504,
  'upstream-unreachable': 502,
  'upstream-reset': 502,
  'internal-error': 500,
  'bad-request': 400,
  'pipeline-limit': 503,
  'client-limit': 503,
};

export function proxyError(reason: ProxyErrorReason): ProxyResponse {
  const body = Buffer.from(`meshbench proxy: ${reason}\n`);
  return {
    status: STATUS[reason],
    headers: { [PROXY_ERROR_HEADER]: reason, 'content-type': 'text/plain' },
    body,
    proxyError: reason,
  };
}
