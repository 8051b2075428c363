// Why: one arm's wiring of the scenario's topology as local processes on loopback. Both arms
// run the same services with the same seeds; they differ only in who the callers talk to:
// direct — the callee's replicas, with the app's own retry policy; meshed — the bundled proxy,
// with the app's retries and timeouts off (the mesh owns them). Links that carry a toxic fault
// pass through a Toxiproxy proxy per callee replica, in both arms alike.
import { writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { environmentError } from '../../core/errors.ts';
import { deriveSeed } from '../../core/rng.ts';
import { ensureLinkProxy, linkProxyName, removeProxies } from '../../faults/toxic-fault.ts';
import { startChild, type Child } from '../../runtime/child.ts';
import type { Ledger } from '../../runtime/ledger.ts';
import { processUsage } from '../../runtime/process-usage.ts';
import type { Teardown } from '../../runtime/teardown.ts';
import { injections } from '../../scenario/injections.ts';
import type { ArmName, Scenario, ServiceSpec } from '../../scenario/types.ts';
import { NO_APP_RETRIES, type DownstreamConfig, type ServiceCommand, type ServiceConfig, type ServiceCounters, type ServiceEvent } from '../../services/protocol.ts';
import type { ProxyConfig } from '../../../proxy/src/config.ts';
import type { ArmProxyStats } from '../contract.ts';
import type { CpuPinner } from './cpu-pinner.ts';
import { calleesFirst } from '../../scenario/call-order.ts';

const HOST = '127.0.0.1';

type ServiceChild = Child<ServiceCommand, ServiceEvent>;
type ProxyEvent = { type: 'ready'; port: number; adminPort: number } | ({ type: 'stats' } & ProxyStatsMessage);
export interface ProxyStatsMessage {
  counters: Record<string, number>;
  audit: Array<{ route: string; zone: string; requests: number }>;
  /** Per destination: finished requests, the attempts they sent, and how many sent any. */
  destinations: Record<string, { requests: number; attempts: number; attempted: number }>;
}

export interface Replica {
  service: string;
  index: number;
  config: ServiceConfig;
  child: ServiceChild;
  address: string;
  /** Stops the process and unregisters it from the teardown. */
  stop: () => Promise<void>;
}

export interface TopologyContext {
  runId: string;
  runDir: string;
  teardown: Teardown;
  /** Records link proxies, so `meshbench clean` can remove them from an external server. */
  ledger: Ledger;
  /** Toxiproxy API URL when some link carries a toxic fault. */
  toxiproxyUrl: string | null;
  /** Holds the services and the proxy to their CPUs as they start; null: nothing is pinned (capacity sweeps). */
  pinner: CpuPinner | null;
}

export interface RunningTopology {
  arm: ArmName;
  replicas: Replica[];
  /** Base URLs the load generator spreads its requests over. */
  loadTargets: string[];
  hostHeader: string | null;
  proxy: { child: Child<{ type: 'stats' }, ProxyEvent>; port: number; adminPort: number; stop: () => Promise<void> } | null;
  /** Toxiproxy proxy names per link "from->to", one per callee replica. */
  linkProxies: Map<string, string[]>;
  /** Real listening ports of a service's replicas (what packet-loss rules match). */
  portsOf(service: string, replica?: number | null): number[];
  /** Each live replica's cumulative counters, keyed `service#index`. */
  sampleServices(): Promise<Map<string, ServiceCounters>>;
  proxyStats(): Promise<ArmProxyStats | null>;
  replicasOf(service: string, replica?: number | null): Replica[];
  killReplica(replica: Replica): Promise<void>;
  restartReplica(replica: Replica): Promise<void>;
  stop(): Promise<void>;
}

/** Listens on the mesh's router port (0 = any free port); a taken port is an environment error. */
function bindRouterSocket(mesh: Scenario['mesh']): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        environmentError(
          'E_PORT_IN_USE',
          `the mesh proxy's port ${mesh.bindAddress}:${mesh.port} cannot be bound (${err.code})`,
          'Stop what listens there (another meshbench run? `meshbench clean`), or set mesh.port: 0 in the scenario to use any free port.',
        ),
      ),
    );
    server.listen(mesh.port, mesh.bindAddress, () => resolve(server));
  });
}

export function linkKey(from: string, to: string): string {
  return `${from}->${to}`;
}

function toxicLinks(scenario: Scenario): Set<string> {
  const links = new Set<string>();
  for (const f of injections(scenario)) {
    if (f.target.kind === 'link' && 'attributes' in f) links.add(linkKey(f.target.from, f.target.to));
  }
  return links;
}

async function startReplica(
  config: ServiceConfig,
  teardown: Teardown,
  pinner: CpuPinner | null,
): Promise<{ child: ServiceChild; port: number; stop: () => Promise<void> }> {
  const child = startChild<ServiceCommand, ServiceEvent>('src/services/main.ts', { label: `${config.name}#${config.replica}` });
  const unregister = teardown.add(`process ${child.label}`, () => child.stop());
  await pinner?.pin('services', child);
  child.send({ type: 'start', config });
  const answer = await Promise.race([child.next<Extract<ServiceEvent, { type: 'ready' }>>('ready'), child.next<Extract<ServiceEvent, { type: 'error' }>>('error')]);
  if (answer.type === 'error') {
    await unregister();
    throw environmentError('E_SERVICE_START', `${child.label} could not start: ${answer.message}`, 'Is the port free? Run `meshbench clean` if an earlier run was killed.');
  }
  return { child, port: answer.port, stop: unregister };
}

export async function startTopology(scenario: Scenario, arm: ArmName, ctx: TopologyContext): Promise<RunningTopology> {
  const { teardown } = ctx;
  const mesh = scenario.mesh;
  const meshed = arm === 'meshed';
  // The runner binds the proxy's router port itself and hands the listening socket over: callers
  // know the address before the proxy starts, and nothing else can take the port meanwhile.
  const routerSocket = meshed ? await bindRouterSocket(mesh) : null;
  const proxyPort = routerSocket ? (routerSocket.address() as AddressInfo).port : 0;
  const releaseRouterSocket = teardown.add('mesh router socket', () => new Promise<void>((resolve) => routerSocket?.close(() => resolve()) ?? resolve()));
  const proxyAddress = `${HOST}:${proxyPort}`;
  const links = toxicLinks(scenario);
  const linkProxies = new Map<string, string[]>();
  const linkListens = new Map<string, string>();
  let removeLinkProxies: (() => Promise<void>) | null = null;
  /** Addresses a caller uses to reach each callee's replicas (through link proxies when faulted). */
  const endpointsOf = new Map<string, Array<{ address: string; zone: string | null }>>();
  const replicas: Replica[] = [];

  const linkEndpoints = async (from: string, to: string): Promise<string[]> => {
    const direct = endpointsOf.get(to)!.map((e) => e.address);
    if (!links.has(linkKey(from, to)) || !ctx.toxiproxyUrl) return direct;
    const existing = linkProxies.get(linkKey(from, to));
    if (existing) return existing.map((name) => linkListens.get(name)!);
    const toxiproxyUrl = ctx.toxiproxyUrl;
    if (linkProxies.size === 0) {
      removeLinkProxies = teardown.add('toxiproxy link proxies', async () => {
        await removeProxies(toxiproxyUrl, `meshbench-${ctx.runId}-`);
        for (const name of linkListens.keys()) ctx.ledger.release({ kind: 'toxiproxy-proxy', url: toxiproxyUrl, name });
      });
    }
    const names: string[] = [];
    const listens: string[] = [];
    for (const [i, upstream] of direct.entries()) {
      const name = linkProxyName(ctx.runId, from, to, i);
      ctx.ledger.record({ kind: 'toxiproxy-proxy', url: toxiproxyUrl, name });
      const { listen } = await ensureLinkProxy(toxiproxyUrl, { name, upstream });
      names.push(name);
      listens.push(listen);
      linkListens.set(name, listen);
    }
    linkProxies.set(linkKey(from, to), names);
    return listens;
  };

  const downstreams = async (spec: ServiceSpec): Promise<DownstreamConfig[]> => {
    const out: DownstreamConfig[] = [];
    for (const call of spec.calls) {
      const targets = await linkEndpoints(spec.name, call.service);
      out.push(
        meshed
          ? { service: call.service, targets: [proxyAddress], hostHeader: call.service, retry: NO_APP_RETRIES }
          : { service: call.service, targets, hostHeader: call.service, retry: call.retry },
      );
    }
    return out;
  };

  for (const spec of calleesFirst(scenario.topology.services)) {
    if (spec.external) {
      const url = new URL(spec.external);
      endpointsOf.set(spec.name, [{ address: `${url.hostname}:${url.port || 80}`, zone: null }]);
      continue;
    }
    const calls = await downstreams(spec);
    const started = await Promise.all(
      Array.from({ length: spec.replicas }, (_, index) => {
        const config: ServiceConfig = {
          name: spec.name,
          replica: index,
          host: HOST,
          port: 0,
          serviceTime: spec.serviceTime,
          pool: spec.pool,
          replicas: spec.replicas,
          contention: spec.contention,
          responseBytes: spec.responseBytes,
          seed: deriveSeed(scenario.seed, 'services'),
          calls,
        };
        return startReplica(config, teardown, ctx.pinner).then(({ child, port, stop }) => {
          config.port = port;
          return { service: spec.name, index, config, child, address: `${HOST}:${port}`, stop } satisfies Replica;
        });
      }),
    );
    replicas.push(...started);
    endpointsOf.set(
      spec.name,
      started.map((r) => ({ address: r.address, zone: spec.zones?.[r.index] ?? null })),
    );
  }

  let proxy: RunningTopology['proxy'] = null;
  if (meshed) {
    const destinations: ProxyConfig['destinations'] = {};
    for (const spec of scenario.topology.services) {
      const callers = scenario.topology.services.filter((s) => s.calls.some((c) => c.service === spec.name));
      const via = callers.length === 1 ? await linkEndpoints(callers[0]!.name, spec.name) : endpointsOf.get(spec.name)!.map((e) => e.address);
      const zones = endpointsOf.get(spec.name)!.map((e) => e.zone);
      destinations[spec.name] = {
        endpoints: via.map((address, i): { address: string; labels: Record<string, string> } => ({
          address,
          labels: zones[i] ? { zone: zones[i]! } : {},
        })),
      };
    }
    const config: ProxyConfig = { mesh: { ...mesh, port: proxyPort }, destinations };
    const configFile = path.join(ctx.runDir, `proxy-${arm}.json`);
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const child = startChild<{ type: 'stats' }, ProxyEvent>('proxy/main.ts', { label: 'mesh-proxy', args: ['--config', configFile, '--router-from-parent'] });
    const stopProxy = teardown.add('process mesh-proxy', () => child.stop());
    await ctx.pinner?.pin('proxy', child);
    // Once the proxy holds the socket, the runner's copy is closed (so only the proxy accepts).
    child.process.send({ type: 'router-socket' }, routerSocket!, () => void releaseRouterSocket());
    const ready = await child.next<Extract<ProxyEvent, { type: 'ready' }>>('ready').catch((err: Error) => {
      throw environmentError('E_PROXY_START', `the mesh proxy did not start: ${err.message}`, 'Check mesh.port and mesh.adminPort are free, or set them to 0.');
    });
    proxy = { child, port: ready.port, adminPort: ready.adminPort, stop: stopProxy };
  }

  const entry = scenario.topology.entry;
  const loadTargets = meshed
    ? [`http://${proxyAddress}`]
    : endpointsOf.get(entry)!.map((e) => `http://${e.address}`);

  const replicasOf = (service: string, replica: number | null = null) =>
    replicas.filter((r) => r.service === service && (replica === null || r.index === replica));

  return {
    arm,
    replicas,
    loadTargets,
    hostHeader: meshed ? entry : null,
    proxy,
    linkProxies,
    replicasOf,
    portsOf: (service, replica = null) => replicasOf(service, replica).map((r) => r.config.port),
    async sampleServices() {
      const answers = await Promise.all(
        replicas.map(async (r) => {
          if (r.child.process.exitCode !== null || r.child.process.signalCode !== null) return null;
          const wait = r.child.next<Extract<ServiceEvent, { type: 'stats' }>>('stats', 2000).catch(() => null);
          r.child.send({ type: 'stats' });
          const answer = await wait;
          return answer ? { key: `${r.service}#${r.index}`, counters: answer.counters } : null;
        }),
      );
      // Per replica: the sampler takes deltas per replica, so a killed one cannot skew the sum.
      return new Map(answers.flatMap((a) => (a ? [[a.key, a.counters] as const] : [])));
    },
    async proxyStats() {
      if (!proxy) return null;
      const wait = proxy.child.next<Extract<ProxyEvent, { type: 'stats' }>>('stats', 2000).catch(() => null);
      proxy.child.send({ type: 'stats' });
      const answer = await wait;
      if (!answer) return null;
      const usage = await processUsage(proxy.child.pid);
      const proxyProcess = { name: `mesh-proxy (pid ${proxy.child.pid})`, node: null, cpuSeconds: usage?.cpuSeconds ?? null, rssBytes: usage?.rssBytes ?? null };
      return { counters: answer.counters, audit: answer.audit, destinations: answer.destinations, processes: [proxyProcess] };
    },
    async killReplica(replica) {
      replica.child.process.kill('SIGKILL');
      await replica.child.exited;
    },
    async restartReplica(replica) {
      await replica.stop();
      const { child, stop } = await startReplica(replica.config, teardown, ctx.pinner);
      replica.child = child;
      replica.stop = stop;
    },
    async stop() {
      await Promise.all([...replicas.map((r) => r.stop()), proxy?.stop()]);
      await removeLinkProxies?.();
    },
  };
}
