// Why: assembles one destination: its endpoints (shared state: load, breaker, counters), its
// shared budget and admission counter, and one stack per policy route — the route's label subset
// decides which endpoints its balancer may ever see, so a fail-closed route cannot leak. The
// endpoint set can change while the proxy runs (EndpointSlice discovery): setEndpoints() keeps the
// state of endpoints that stay, adds the new, drops the gone, and rebuilds the route stacks.
import http from 'node:http';
import type { Clock } from '../../src/core/clock.ts';
import type { Rng } from '../../src/core/rng.ts';
import type { MeshConfig, RouteSpec } from '../../src/scenario/types.ts';
import { Admission, admissionLayer } from './admission/admission-layer.ts';
import { balancer, type BalancerTarget } from './balance/balancer.ts';
import { PendingLoad } from './balance/load.ts';
import { PeakEwmaLoad } from './balance/peak-ewma.ts';
import { FailureAccrual } from './breaker/failure-accrual.ts';
import type { EndpointConfig } from './config.ts';
import { makeEndpoint, type Endpoint } from './endpoint.ts';
import { proxyError } from './proxy-error.ts';
import { RetryBudget } from './retry/retry-budget.ts';
import { retryLayer } from './retry/retry-layer.ts';
import { DEFAULT_ROUTE, inSubset, matchRoute } from './route/route-match.ts';
import { buildStack, type Service, type StackModule } from './service.ts';
import { metricsLayer } from './telemetry/metrics-layer.ts';
import type { DestinationMetrics, ProxyMetrics } from './telemetry/proxy-metrics.ts';
import { deadlineLayer } from './timeout/deadline-layer.ts';
import { endpointClient } from './upstream/endpoint-client.ts';

export interface StackDeps {
  clock: Clock;
  rng: Rng;
  agent: http.Agent;
  metrics: ProxyMetrics;
}

export interface Destination {
  name: string;
  /** The current endpoints (read at scrape time: they change with discovery). */
  readonly endpoints: readonly Endpoint[];
  budget: RetryBudget | null;
  admission: Admission | null;
  metrics: DestinationMetrics;
  /** Module names of each route's stack, outermost first (for state.json). */
  readonly stacks: Record<string, string[]>;
  /** Selects the policy route from the headers and runs that route's stack. */
  service: Service;
  /** Replaces the endpoint set; endpoints whose address and labels stay keep their state. */
  setEndpoints(configs: readonly EndpointConfig[]): void;
}

interface Routing {
  endpoints: Endpoint[];
  stacks: Record<string, string[]>;
  service: Service;
}

export function buildDestination(name: string, endpointConfigs: readonly EndpointConfig[], mesh: MeshConfig, deps: StackDeps): Destination {
  const { clock, rng, metrics } = deps;
  const destMetrics = metrics.destination(name);
  // Counters outlive the endpoints and stacks they count, so a rebuilt stack or an endpoint that
  // comes back continues its series instead of starting a second one.
  const routeMetrics = new Map<string, ReturnType<ProxyMetrics['route']>>();
  const endpointMetrics = new Map<string, ReturnType<ProxyMetrics['endpoint']>>();
  const metricsOfRoute = (route: string) => routeMetrics.get(route) ?? routeMetrics.set(route, metrics.route(name, route)).get(route)!;
  const metricsOfEndpoint = (address: string, zone: string) => {
    const key = `${address}\0${zone}`;
    return endpointMetrics.get(key) ?? endpointMetrics.set(key, metrics.endpoint(name, address, zone)).get(key)!;
  };
  const makeFor = (e: EndpointConfig): Endpoint =>
    makeEndpoint(
      {
        address: e.address,
        labels: e.labels,
        load: mesh.balancer === 'p2c-ewma' ? new PeakEwmaLoad(mesh.ewma.decayMs, mesh.ewma.defaultRttMs, clock.now()) : new PendingLoad(),
        breaker: new FailureAccrual(mesh.breaker, rng),
        metrics: metricsOfEndpoint(e.address, e.labels.zone ?? 'none'),
      },
      endpointClient(e.address, { agent: deps.agent, clock, propagateDeadline: mesh.propagateDeadline }),
      clock,
      mesh.breaker.enabled,
    );
  const budget = mesh.retry.enabled ? new RetryBudget(mesh.retry.budget) : null;
  const admission = mesh.maxPending !== null ? new Admission(mesh.maxPending) : null;

  const shared: StackModule[] = [
    ...(admission ? [{ name: 'admission', layer: admissionLayer(admission, destMetrics) }] : []),
    { name: 'deadline', layer: deadlineLayer(mesh.timeoutMs, clock, destMetrics) },
    ...(budget ? [{ name: 'retry', layer: retryLayer(mesh.retry, budget, clock, rng, destMetrics) }] : []),
  ];

  const route = (endpoints: Endpoint[]): Routing => {
    const stacks: Record<string, string[]> = {};
    const routeStack = (routeName: string, members: Endpoint[], terminal?: Service): Service => {
      const modules = [{ name: 'metrics', layer: metricsLayer(metricsOfRoute(routeName), clock) }, ...(terminal ? [] : shared)];
      stacks[routeName] = [...modules.map((m) => m.name), terminal ? 'fail-closed' : `balancer(${mesh.balancer})`];
      const targets: BalancerTarget[] = members.map((endpoint) => ({
        endpoint,
        audit: metrics.auditRow(name, routeName, endpoint.labels.zone ?? 'none'),
      }));
      return buildStack(modules, terminal ?? balancer(mesh.balancer, targets, clock, rng));
    };

    const fallback = routeStack(DEFAULT_ROUTE, endpoints);
    // A route governs the destinations whose endpoints carry its subset's labels (the zoned
    // services). A hop to an unlabelled destination (a frontend) has no zone to comply with,
    // so the route does not apply there — otherwise fail-closed would reject it at the first hop.
    const governed = mesh.routes.filter((spec) => endpoints.some((e) => Object.keys(spec.subset).every((k) => k in e.labels)));
    const routes = new Map<RouteSpec, Service>();
    for (const spec of governed) {
      const members = endpoints.filter((e) => inSubset(e.labels, spec.subset));
      if (members.length > 0) routes.set(spec, spec.failClosed ? routeStack(spec.name, members) : withFallback(routeStack(spec.name, members), fallback));
      else routes.set(spec, spec.failClosed ? routeStack(spec.name, [], async () => proxyError('no-subset-endpoint')) : fallback);
    }
    return {
      endpoints,
      stacks,
      service: (req) => {
        const spec = matchRoute(governed, req.headers);
        return spec ? routes.get(spec)!(req) : fallback(req);
      },
    };
  };

  let current = route(endpointConfigs.map(makeFor));
  return {
    name,
    get endpoints() {
      return current.endpoints;
    },
    budget,
    admission,
    metrics: destMetrics,
    get stacks() {
      return current.stacks;
    },
    service: (req) => current.service(req),
    setEndpoints(configs) {
      const kept = new Map(current.endpoints.map((e) => [e.address, e]));
      const sameLabels = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
      current = route(
        configs.map((c) => {
          const old = kept.get(c.address);
          return old && sameLabels(old.labels, c.labels) ? old : makeFor(c);
        }),
      );
    },
  };
}

/** A route that is not fail-closed may use all endpoints when its whole subset is ejected. */
function withFallback(route: Service, fallback: Service): Service {
  return async (req) => {
    const res = await route(req);
    return res.proxyError === 'all-endpoints-ejected' ? fallback(req) : res;
  };
}
