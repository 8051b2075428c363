// Why: Prometheus text exposition (format 0.0.4) of everything the proxy counts, rendered only
// when scraped. Every metric family is listed here beside its help text, as Finagle's docs list
// each module's metrics.
import type { Destination } from '../destination.ts';
import { PeakEwmaLoad } from '../balance/peak-ewma.ts';
import { LATENCY_BUCKETS_MS } from './latency-buckets.ts';
import type { ClassCounts, ProxyMetrics } from './proxy-metrics.ts';

const P = 'meshbench_proxy_';

export function renderPrometheus(metrics: ProxyMetrics, destinations: readonly Destination[], now: number): string {
  const out: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string) => {
    out.push(`# HELP ${P}${name} ${help}`, `# TYPE ${P}${name} ${type}`);
  };
  const sample = (name: string, labels: Record<string, string>, value: number) => {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${escape(v)}"`)
      .join(',');
    out.push(`${P}${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  };
  const classes = (name: string, labels: Record<string, string>, counts: ClassCounts) => {
    for (const [cls, n] of Object.entries(counts)) if (n > 0 || cls === '2xx') sample(name, { ...labels, class: cls }, n);
  };

  family('requests_total', 'counter', 'Client requests answered, by destination, route and status class.');
  for (const r of metrics.routes) classes('requests_total', { destination: r.destination, route: r.route }, r.responses);

  family('request_duration_seconds', 'histogram', 'Client request latency through the proxy.');
  for (const r of metrics.routes) {
    const labels = { destination: r.destination, route: r.route };
    let cumulative = 0;
    LATENCY_BUCKETS_MS.forEach((le, i) => {
      cumulative += r.latency.counts[i]!;
      sample('request_duration_seconds_bucket', { ...labels, le: String(le / 1000) }, cumulative);
    });
    sample('request_duration_seconds_bucket', { ...labels, le: '+Inf' }, r.latency.count);
    sample('request_duration_seconds_sum', labels, r.latency.sumMs / 1000);
    sample('request_duration_seconds_count', labels, r.latency.count);
  }

  family('endpoint_requests_total', 'counter', 'Attempts sent to each endpoint (retries included), by status class.');
  for (const e of metrics.endpoints) classes('endpoint_requests_total', { destination: e.destination, endpoint: e.address, zone: e.zone }, e.responses);

  family('ejections_total', 'counter', 'Times the circuit breaker ejected an endpoint.');
  for (const e of metrics.endpoints) sample('ejections_total', { destination: e.destination, endpoint: e.address }, e.ejections);

  family('endpoint_pending', 'gauge', 'Requests in flight to each endpoint.');
  family('endpoint_ewma_rtt_seconds', 'gauge', 'Peak-EWMA round-trip estimate of each endpoint (p2c-ewma only).');
  family('endpoint_ejected', 'gauge', '1 while the endpoint is ejected by its circuit breaker.');
  for (const d of destinations) {
    for (const e of d.endpoints) {
      const labels = { destination: d.name, endpoint: e.address };
      sample('endpoint_pending', labels, e.load.pending);
      if (e.load instanceof PeakEwmaLoad) sample('endpoint_ewma_rtt_seconds', labels, e.load.rttEstimate(now) / 1000);
      sample('endpoint_ejected', labels, e.breaker.state === 'closed' ? 0 : 1);
    }
  }

  const perDestination: Array<[string, string, (d: ProxyMetrics['destinations'][number]) => number]> = [
    ['retries_total', 'Retries sent.', (d) => d.retries],
    ['retry_budget_refusals_total', 'Retries refused because the retry budget was spent.', (d) => d.budgetRefusals],
    ['shed_total', 'Requests shed by admission control (maxPending).', (d) => d.shed],
    ['deadline_exceeded_total', 'Requests answered 504 because the deadline passed.', (d) => d.deadlineExceeded],
  ];
  for (const [name, help, get] of perDestination) {
    family(name, 'counter', help);
    for (const d of metrics.destinations) sample(name, { destination: d.destination }, get(d));
  }

  family('retry_budget_available', 'gauge', 'Retries the budget would allow now.');
  for (const d of destinations) if (d.budget) sample('retry_budget_available', { destination: d.name }, d.budget.available(now));

  family('proxy_errors_total', 'counter', 'Responses the proxy generated itself, by reason (x-meshbench-proxy-error).');
  for (const [reason, n] of metrics.proxyErrors) sample('proxy_errors_total', { reason }, n);

  family('rejected_connections_total', 'counter', 'Connections closed for malformed, oversized or too slow requests.');
  sample('rejected_connections_total', {}, metrics.rejectedConnections);

  family('audit_requests_total', 'counter', 'Attempts per policy route and destination zone (compliance audit).');
  for (const a of metrics.audit()) sample('audit_requests_total', { destination: a.destination, route: a.route, zone: a.zone }, a.requests);

  return `${out.join('\n')}\n`;
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
