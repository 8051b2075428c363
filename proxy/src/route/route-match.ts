// Why: policy routing is a pure decision — which route a request's headers select, and which
// endpoints a route's label subset allows — so compliance rules are testable without sockets.
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteSpec } from '../../../src/scenario/types.ts';

export const DEFAULT_ROUTE = 'default';

/** First route whose header matches (present, and equal to `value` when given); null = default. */
export function matchRoute(routes: readonly RouteSpec[], headers: IncomingHttpHeaders): RouteSpec | null {
  for (const route of routes) {
    const raw = headers[route.match.header.toLowerCase()];
    if (raw === undefined) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    if (route.match.value === null || values.includes(route.match.value)) return route;
  }
  return null;
}

export function inSubset(labels: Record<string, string>, subset: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(subset)) if (labels[k] !== v) return false;
  return true;
}

/** The host a request is for: the Host header without its port, lower-cased. */
export function hostOf(headers: IncomingHttpHeaders): string {
  const host = (headers.host ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
