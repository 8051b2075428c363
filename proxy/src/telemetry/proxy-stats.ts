// Why: the compact numbers the runner stores in the run result (over IPC), and the live state an
// operator inspects at /admin/state.json — both read from the same objects as /metrics.
import type { ProxyStats } from '../config.ts';
import type { Destination } from '../destination.ts';
import { PeakEwmaLoad } from '../balance/peak-ewma.ts';
import type { ProxyMetrics } from './proxy-metrics.ts';

export function proxyStats(metrics: ProxyMetrics): ProxyStats {
  const counters: Record<string, number> = {
    requests: 0,
    responses_2xx: 0,
    responses_4xx: 0,
    responses_5xx: 0,
    upstream_attempts: 0,
    retries: 0,
    budget_refusals: 0,
    ejections: 0,
    shed: 0,
    deadline_exceeded: 0,
    rejected_connections: metrics.rejectedConnections,
  };
  const add = (name: string, n: number) => (counters[name] = (counters[name] ?? 0) + n);
  for (const r of metrics.routes) {
    add('requests', r.latency.count);
    for (const [cls, n] of Object.entries(r.responses)) add(`responses_${cls}`, n);
  }
  for (const e of metrics.endpoints) {
    for (const n of Object.values(e.responses)) add('upstream_attempts', n);
    add('ejections', e.ejections);
  }
  for (const d of metrics.destinations) {
    add('retries', d.retries);
    add('budget_refusals', d.budgetRefusals);
    add('shed', d.shed);
    add('deadline_exceeded', d.deadlineExceeded);
  }
  for (const [reason, n] of metrics.proxyErrors) add(`proxy_error_${reason.replace(/-/g, '_')}`, n);

  const destinations: ProxyStats['destinations'] = {};
  for (const r of metrics.routes) {
    if (r.route === 'no-route') continue;
    const d = (destinations[r.destination] ??= { requests: 0, attempts: 0, attempted: 0 });
    d.requests += r.latency.count;
    d.attempts += r.attempts;
    d.attempted += r.attempted;
  }

  const audit = new Map<string, { route: string; zone: string; requests: number }>();
  for (const row of metrics.audit()) {
    const key = `${row.route}\0${row.zone}`;
    const sum = audit.get(key) ?? { route: row.route, zone: row.zone, requests: 0 };
    sum.requests += row.requests;
    audit.set(key, sum);
  }
  return { counters, audit: [...audit.values()], destinations };
}

export function liveState(metrics: ProxyMetrics, destinations: readonly Destination[], now: number): unknown {
  return {
    stats: proxyStats(metrics),
    destinations: destinations.map((d) => ({
      name: d.name,
      stacks: d.stacks,
      pending: d.admission?.pending ?? null,
      retryBudgetAvailable: d.budget?.available(now) ?? null,
      endpoints: d.endpoints.map((e) => ({
        address: e.address,
        labels: e.labels,
        pending: e.load.pending,
        cost: e.load.cost(now),
        ewmaRttMs: e.load instanceof PeakEwmaLoad ? e.load.rttEstimate(now) : null,
        breaker: e.breaker.state,
        probeInMs: e.breaker.state === 'open' ? Math.max(0, e.breaker.probeAt - now) : null,
        responses: e.metrics.responses,
        ejections: e.metrics.ejections,
      })),
    })),
    audit: metrics.audit(),
  };
}
