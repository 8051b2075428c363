// Why: the runner controls synthetic service replicas over IPC (start, counters, DB lock), so
// control traffic never mixes with the measured HTTP traffic.
import type { AppRetryPolicy, Distribution } from '../scenario/types.ts';

/** Header carrying the remaining deadline in milliseconds (set by the mesh proxy). */
export const DEADLINE_HEADER = 'x-meshbench-deadline-ms';
/** Header naming why the mesh proxy answered itself; a service passes it on when that failed its call. */
export { PROXY_ERROR_HEADER } from '../../proxy/src/proxy-error.ts';

/** The app's policy when a mesh owns retries and timeouts: one attempt, no timeout of its own. */
export const NO_APP_RETRIES: AppRetryPolicy = Object.freeze({ timeoutMs: null, retries: 0, backoffMs: 0 });

export interface DownstreamConfig {
  service: string;
  /** host:port addresses, used round-robin (direct: replicas; meshed: the proxy). */
  targets: string[];
  /** Host header to send, so a mesh proxy can route by it. */
  hostHeader: string;
  /** The app's own retry policy (direct arm); none in the meshed arm. */
  retry: AppRetryPolicy;
}

export interface ServiceConfig {
  name: string;
  replica: number;
  host: string;
  /** 0 = any free port; a restart reuses the old one. */
  port: number;
  serviceTime: Distribution;
  pool: number;
  responseBytes: number;
  seed: number;
  calls: DownstreamConfig[];
}

export interface ServiceCounters {
  /** Requests that arrived (every attempt, retries included). */
  arrivals: number;
  /** Requests answered 2xx. */
  completed: number;
  /** Requests dropped because their propagated deadline had passed. */
  expired: number;
  /** Requests answered with an error because a downstream call failed. */
  failed: number;
  inFlight: number;
  queueDepth: number;
  poolInUse: number;
  /** Downstream attempts made by this replica (retries included), counted as they start. */
  downstreamAttempts: number;
  /** Per callee, counted when each call finished: calls made and the attempts they took. */
  calls: Record<string, { requests: number; attempts: number }>;
}

export type ServiceCommand =
  | { type: 'start'; config: ServiceConfig }
  | { type: 'stats' }
  | { type: 'db-lock'; ms: number };

export type ServiceEvent =
  | { type: 'ready'; port: number }
  | { type: 'stats'; counters: ServiceCounters }
  | { type: 'error'; message: string };
