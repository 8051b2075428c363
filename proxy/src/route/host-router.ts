// Why: the outgoing router (Linkerd 1 style): the Host header names the destination service;
// an unknown host is the caller's mistake and answered 404 `no-route` without touching anything.
import { proxyError } from '../proxy-error.ts';
import type { Service } from '../service.ts';
import { hostOf } from './route-match.ts';

export function hostRouter(destinations: ReadonlyMap<string, Service>, noRoute: Service): Service {
  return (req) => (destinations.get(hostOf(req.headers)) ?? noRoute)(req);
}

export const noRouteService: Service = async () => proxyError('no-route');
