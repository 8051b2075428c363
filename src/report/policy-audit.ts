// Why: header policy routing is a compliance promise ("`sensitive-norway` never leaves the
// compliant zone"); the report states it as a counted fact from the proxy's per-request audit,
// not as configuration. A request counts as having left when its audit row's destination zone
// differs from the zone its route's subset requires.
import type { RunResult } from '../result/types.ts';

export interface RouteZoneAudit {
  route: string;
  /** The zone the route's subset requires. */
  zone: string;
  /** Requests the proxy routed for this route. */
  total: number;
  /** Of those, requests sent to an endpoint outside `zone`. */
  outside: number;
  /** The zones they went to instead. */
  outsideZones: string[];
}

/** One entry per zone-restricted route; null when the meshed arm recorded no audit. */
export function auditPolicyRouting(result: RunResult): RouteZoneAudit[] | null {
  const audit = result.arms.find((a) => a.name === 'meshed')?.proxy?.audit;
  if (!audit || result.scenario.mesh.routes.length === 0) return null;
  const out: RouteZoneAudit[] = [];
  for (const route of result.scenario.mesh.routes) {
    const zone = route.subset['zone'];
    if (zone === undefined) continue;
    const rows = audit.filter((r) => r.route === route.name);
    const outsideRows = rows.filter((r) => r.zone !== zone && r.requests > 0);
    out.push({
      route: route.name,
      zone,
      total: rows.reduce((n, r) => n + r.requests, 0),
      outside: outsideRows.reduce((n, r) => n + r.requests, 0),
      outsideZones: [...new Set(outsideRows.map((r) => r.zone))],
    });
  }
  return out;
}

/**
 * "0 `sensitive-norway` requests left the compliant zone `no-oslo` (1600 routed)." — `code`
 * formats names for the target (Markdown backticks, escaped HTML <code>, plain text).
 */
export function auditSentence(a: RouteZoneAudit, code: (s: string) => string): string {
  const where = a.outside > 0 ? `, to ${a.outsideZones.map(code).join(', ')}` : '';
  return `${a.outside} ${code(a.route)} requests left the compliant zone ${code(a.zone)} (${a.total} routed${where}).`;
}
