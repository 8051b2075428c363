// Why: "what did the mesh do?" has a counted answer: how often the proxy retried, how often its
// budget said no, how often it ejected an endpoint, shed load or gave up at a deadline — and
// what that cost in CPU and memory. One wording for the verdict and the report.
import type { ProxyReport } from '../result/types.ts';

const count = (counters: Record<string, number>, name: string) => counters[name] ?? 0;

/** "retried 120 requests, refused 30 retries (budget spent), …" over the measured parts. */
export function proxyActivity(p: ProxyReport): string {
  const c = p.counters;
  return [
    `retried ${count(c, 'retries')} times`,
    `refused ${count(c, 'budget_refusals')} retries (budget spent)`,
    `ejected endpoints ${count(c, 'ejections')} times`,
    `shed ${count(c, 'shed')} requests`,
    `answered ${count(c, 'deadline_exceeded')} deadline-exceeded`,
  ].join(', ');
}

/** "0.21 CPU cores per 1 000 rps, 95 MB resident", or what is unknown. */
export function proxyCost(p: ProxyReport): string {
  const cpu = p.cpuPerKiloRps === null ? 'CPU unknown' : `${p.cpuPerKiloRps.toFixed(2)} CPU cores per 1 000 proxied rps`;
  const rss = p.rssBytes === null ? 'memory unknown' : `${Math.round(p.rssBytes / 2 ** 20)} MB resident`;
  return `${cpu}, ${rss}`;
}
