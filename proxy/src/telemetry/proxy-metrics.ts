// Why: one place holds every number the proxy exports. The objects per destination, route and
// endpoint are created when the stack is built (topology is static), so the request path only
// increments fields it already holds — O(1), no label maps, no allocation, never blocking.
// Rendering (Prometheus, state.json, IPC stats) reads them at scrape time.
import type { ProxyErrorReason } from '../proxy-error.ts';
import { LatencyHistogram } from './latency-buckets.ts';

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
const CLASSES: readonly StatusClass[] = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

export function statusClass(status: number): StatusClass {
  return CLASSES[Math.min(5, Math.max(1, Math.floor(status / 100)))]!;
}

export type ClassCounts = Record<StatusClass, number>;
const zeroClasses = (): ClassCounts => ({ '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });

/** Client-facing requests of one (destination, route). */
export class RouteMetrics {
  readonly responses = zeroClasses();
  readonly latency = new LatencyHistogram();
  /** Attempts sent to endpoints by finished requests, retries included. */
  attempts = 0;
  /** Finished requests that sent at least one attempt (the rest failed fast in the proxy). */
  attempted = 0;

  constructor(
    readonly destination: string,
    readonly route: string,
  ) {}

  record(status: number, ms: number, attempts = 0): void {
    this.responses[statusClass(status)]++;
    this.latency.observe(ms);
    this.attempts += attempts;
    if (attempts > 0) this.attempted++;
  }
}

/** Attempts sent to one endpoint (retries included). */
export class EndpointMetrics {
  readonly responses = zeroClasses();
  ejections = 0;

  constructor(
    readonly destination: string,
    readonly address: string,
    readonly zone: string,
  ) {}
}

export class DestinationMetrics {
  retries = 0;
  budgetRefusals = 0;
  shed = 0;
  deadlineExceeded = 0;

  constructor(readonly destination: string) {}
}

export interface AuditRow {
  destination: string;
  route: string;
  zone: string;
  requests: number;
}

export class ProxyMetrics {
  readonly routes: RouteMetrics[] = [];
  readonly endpoints: EndpointMetrics[] = [];
  readonly destinations: DestinationMetrics[] = [];
  readonly proxyErrors = new Map<ProxyErrorReason, number>();
  /** Requests the server refused before they were parsed (oversized, malformed, too slow). */
  rejectedConnections = 0;
  private readonly auditRows = new Map<string, AuditRow>();

  route(destination: string, route: string): RouteMetrics {
    const m = new RouteMetrics(destination, route);
    this.routes.push(m);
    return m;
  }

  endpoint(destination: string, address: string, zone: string): EndpointMetrics {
    const m = new EndpointMetrics(destination, address, zone);
    this.endpoints.push(m);
    return m;
  }

  destination(name: string): DestinationMetrics {
    const m = new DestinationMetrics(name);
    this.destinations.push(m);
    return m;
  }

  /** The audit row for requests of `route` sent to endpoints in `zone` of `destination`. */
  auditRow(destination: string, route: string, zone: string): AuditRow {
    const key = `${destination}\0${route}\0${zone}`;
    let row = this.auditRows.get(key);
    if (!row) {
      row = { destination, route, zone, requests: 0 };
      this.auditRows.set(key, row);
    }
    return row;
  }

  audit(): AuditRow[] {
    return [...this.auditRows.values()];
  }

  proxyErrorCount(reason: ProxyErrorReason): void {
    this.proxyErrors.set(reason, (this.proxyErrors.get(reason) ?? 0) + 1);
  }
}
