// Why: the proxy as a library call — the process entry, tests and benches all start it here.
// It builds one stack per destination from the config, starts endpoint discovery when the config
// asks for it, then binds the router and admin ports (a taken port is an environment error naming
// the config field to change).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type net from 'node:net';
import { realClock, type Clock } from '../../src/core/clock.ts';
import { environmentError } from '../../src/core/errors.ts';
import { seededRng, type Rng } from '../../src/core/rng.ts';
import type { KubernetesDiscoveryConfig, ProxyConfig, ProxyStats, ProxyStatsDocument } from './config.ts';
import type { EndpointSource } from './discovery/endpoint-source.ts';
import { buildDestination, type Destination } from './destination.ts';
import { hostRouter, noRouteService } from './route/host-router.ts';
import { buildStack, type Service } from './service.ts';
import { createAdminServer } from './server/admin-server.ts';
import { createRouterServer } from './server/router-server.ts';
import { metricsLayer } from './telemetry/metrics-layer.ts';
import { renderPrometheus } from './telemetry/prometheus.ts';
import { ProxyMetrics } from './telemetry/proxy-metrics.ts';
import { liveState, proxyStats } from './telemetry/proxy-stats.ts';

/** Seed of the proxy's own draws (P2C, jitter) when none is injected: runs stay reproducible. */
const DEFAULT_SEED = 0x6d657368;

export interface RunningProxy {
  port: number;
  adminPort: number;
  /** Resolves once every destination's endpoints are known (at once without discovery). */
  ready: Promise<void>;
  stats(): ProxyStats;
  /** Client connections the router holds open (a leak check: 0 once clients are gone). */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

export interface ProxyDeps {
  clock?: Clock;
  rng?: Rng;
  /** An already-listening router socket (handed over by the runner), instead of binding mesh.port. */
  routerHandle?: net.Server;
  /** The node the proxy runs on, reported in /admin/stats.json (a DaemonSet pod's NODE_NAME). */
  nodeName?: string | null;
  /** Where discovered endpoints come from; default: the config's `discovery` (EndpointSlices). */
  endpointSource?: EndpointSource;
}

export async function startProxy(config: ProxyConfig, deps: ProxyDeps = {}): Promise<RunningProxy> {
  const clock = deps.clock ?? realClock;
  const rng = deps.rng ?? seededRng(DEFAULT_SEED);
  const { mesh } = config;
  const metrics = new ProxyMetrics();
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo' });

  const destinations: Destination[] = Object.entries(config.destinations).map(([name, d]) =>
    buildDestination(name.toLowerCase(), d.endpoints, mesh, { clock, rng, agent, metrics }),
  );
  const byHost = new Map<string, Service>(destinations.map((d) => [d.name, d.service]));
  const source = deps.endpointSource ?? (config.discovery ? await discoverySource(config.discovery) : null);
  let synced = source === null;
  const noRoute = buildStack([{ name: 'metrics', layer: metricsLayer(metrics.route('unknown', 'no-route'), clock) }], noRouteService);

  const router = createRouterServer(hostRouter(byHost, noRoute), mesh.limits, metrics);
  const admin = createAdminServer({
    ready: () => synced,
    metrics: () => renderPrometheus(metrics, destinations, clock.now()),
    state: () => liveState(metrics, destinations, clock.now()),
    stats: (): ProxyStatsDocument => {
      const stats = proxyStats(metrics);
      return { node: deps.nodeName ?? null, audit: stats.audit, destinations: stats.destinations, counters: { ...stats.counters, ...ownProcessUsage() } };
    },
  });

  const port = deps.routerHandle
    ? await new Promise<number>((resolve) => router.listen(deps.routerHandle, () => resolve((router.address() as AddressInfo).port)))
    : await listen(router, mesh.port, mesh.bindAddress, 'mesh.port', 'router');
  const adminPort = await listen(admin, mesh.adminPort, mesh.bindAddress, 'mesh.adminPort', 'admin').catch(async (err: unknown) => {
    await closeServer(router);
    throw err;
  });
  // Until discovery has synced, its destinations have no endpoints and answer `no-endpoints`.
  const ready = source
    ? source
        .start((sets) => {
          for (const [name, endpoints] of sets) destinations.find((d) => d.name === name.toLowerCase())?.setEndpoints(endpoints);
        })
        .then(() => {
          synced = true;
        })
    : Promise.resolve();

  return {
    port,
    adminPort,
    ready,
    stats: () => proxyStats(metrics),
    openConnections: () => new Promise((resolve) => router.getConnections((err, n) => resolve(err ? -1 : n))),
    async close() {
      await Promise.all([closeServer(router), closeServer(admin), source?.stop()]);
      agent.destroy();
    },
  };
}

/** Loaded only when asked for: the Kubernetes client is large and the embedded proxy never needs it. */
async function discoverySource(discovery: KubernetesDiscoveryConfig): Promise<EndpointSource> {
  const { kubernetesEndpointSource } = await import('./discovery/kubernetes-discovery.ts');
  return kubernetesEndpointSource(discovery);
}

/** The same figures the embedded runner reads from /proc for the proxy process. */
function ownProcessUsage(): Record<string, number> {
  const cpu = process.cpuUsage();
  return { process_resident_memory_bytes: process.memoryUsage.rss(), process_cpu_seconds_total: (cpu.user + cpu.system) / 1e6 };
}

function listen(server: http.Server, port: number, host: string, field: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
        reject(
          environmentError(
            'E_PROXY_BIND',
            `the mesh proxy cannot bind its ${what} port ${host}:${port} (${err.code})`,
            `Stop whatever uses port ${port}, or change ${field} in the scenario (0 = any free port).`,
          ),
        );
      } else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** In-flight requests may finish for this long after close(); then their sockets are cut. */
const CLOSE_GRACE_MS = 500;

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
