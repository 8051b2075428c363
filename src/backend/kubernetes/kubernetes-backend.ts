// Why: the kubernetes backend — the scenario's services as Deployments and Services, the
// bundled proxy as the seed's DaemonSet (or sidecars), the load as an Indexed Job of generator
// pods, faults inside pods through the chaos agent DaemonSet, all in one namespace per run
// that teardown (and `meshbench clean`, from the ledger) deletes. Every object is a pure
// function of the scenario (manifests/); this module only applies, watches and talks to pods.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, VersionApi, type KubernetesObject, type V1HostAlias, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { environmentError } from '../../core/errors.ts';
import type { ActiveFault } from '../../faults/types.ts';
import { listNodes } from '../../cluster/kube-client.ts';
import type { ProxyStats, ProxyStatsDocument } from '../../../proxy/src/config.ts';
import type { ArmName, FaultSpec, KubernetesBackendSpec, Scenario } from '../../scenario/types.ts';
import type { ServiceCounters } from '../../services/protocol.ts';
import type { ArmProxyStats, ArmTopology, Backend, BackendRun, ProxyProcessSample, ReplicaHandle, RunContext } from '../contract.ts';
import { kubeRequest, podProxyPath } from './kube-http.ts';
import { resolveCluster, type ResolvedCluster } from './kubeconfig.ts';
import { startLoadPods } from './load-pods.ts';
import { CHAOS_AGENT_NAME, needsChaosAgent } from './manifests/chaos-agent.ts';
import { armObjects, runObjects } from './manifests/cluster-objects.ts';
import { serviceAliases, withHostAliases } from './manifests/host-aliases.ts';
import { loadTargets } from './manifests/load-job.ts';
import { ARM_LABEL, COMPONENT_LABEL, RUN_LABEL, SERVICE_LABEL, namespaceOf } from './manifests/labels.ts';
import { proxyPorts, SERVICE_ADMIN_PORT, SERVICE_PORT } from './manifests/ports.ts';
import { startAgentFault } from './pod-faults-client.ts';
import { isPodReady, PodWatch } from './pod-watch.ts';
import { deleteRunObjects } from './run-objects-cleanup.ts';
import { serverSideApply } from './server-side-apply.ts';
import { ensureLinkProxy, linkProxyName, startToxic } from '../../faults/toxic-fault.ts';
import { throughBundledProxy } from './manifests/downstreams.ts';
import { linkAddress, TOXIPROXY_API_PORT, toxicLinkProblems, toxicLinks } from './manifests/toxiproxy.ts';
import { startPodPortRelay } from './pod-port-relay.ts';

const READY_TIMEOUT_MS = 180_000;

function spec(scenario: Scenario): KubernetesBackendSpec {
  if (scenario.backend.kind !== 'kubernetes') throw new Error('not a kubernetes scenario');
  return scenario.backend;
}

export const kubernetesBackend: Backend = {
  kind: 'kubernetes',

  async preflight(scenario) {
    const problems = toxicLinkProblems(scenario);
    if (problems.length > 0) {
      throw environmentError('E_FAULT_UNSUPPORTED', `the kubernetes backend cannot reroute these toxic links:\n  - ${problems.join('\n  - ')}`, 'Change the scenario as said, or run it on the embedded backend.');
    }
    const cluster = resolveCluster(spec(scenario));
    const nodes = await listNodes(cluster.kc).catch((err: Error) => {
      throw environmentError('E_KUBE_UNREACHABLE', `the cluster in ${cluster.kubeconfig} does not answer: ${err.message}`, 'Is it up (`meshbench cluster status`)? Check --kubeconfig and --context.');
    });
    if (!nodes.some((n) => n.ready)) throw environmentError('E_KUBE_NODES', `the cluster in ${cluster.kubeconfig} has no Ready node`, '`meshbench cluster status` shows the nodes.');
    const provider = scenario.meshDeployment.provider;
    if (provider !== 'bundled' && scenario.arms.includes('meshed')) await checkInstalledMesh(cluster, provider);
  },

  async open(scenario: Scenario, ctx: RunContext): Promise<BackendRun> {
    const given = ctx.toxiproxyUrl ?? scenario.toxiproxyUrl;
    if (given && toxicLinks(scenario).length > 0) {
      throw environmentError('E_FAULT_UNSUPPORTED', `a toxiproxy-server at ${given} cannot carry a cluster's links`, 'Drop --toxiproxy / toxiproxy: on the kubernetes backend: each arm runs the bundled server in its own Toxiproxy pod.');
    }
    const cluster = resolveCluster(spec(scenario));
    const { kc } = cluster;
    const namespace = namespaceOf(scenario, ctx.runId);
    const token = randomBytes(24).toString('hex');
    const entry = { kind: 'k8s-run-objects' as const, kubeconfig: cluster.kubeconfig, context: cluster.context, runId: ctx.runId };
    ctx.ledger.record(entry);
    ctx.teardown.add(`kubernetes namespace ${namespace}`, async () => {
      await deleteRunObjects(kc, ctx.runId, true);
      ctx.ledger.release(entry);
    });
    for (const object of runObjects(scenario, ctx.runId, token)) await serverSideApply(kc, object);
    const pods = new PodWatch(kc, namespace);
    await pods.start();
    ctx.teardown.add('pod watch', () => pods.stop());
    const schedulable = (await listNodes(kc)).filter((n) => n.ready).length;
    if (needsChaosAgent(scenario)) {
      await pods.waitFor('chaos agent', { [COMPONENT_LABEL]: 'chaos-agent' }, (ps) => ps.filter(isPodReady).length >= schedulable, READY_TIMEOUT_MS);
    }
    let phase = 0;
    return {
      async describe() {
        const version = await kc.makeApiClient(VersionApi).getCode();
        const nodes = await listNodes(kc);
        return { cluster: { version: version.gitVersion, nodes: nodes.map((n) => ({ name: n.name, zone: n.zone, capacity: n.capacity })) } };
      },
      cpuPinning: () => ({
        mode: ctx.cpuPinning,
        applied: null,
        reason: `${ctx.cpuPinning}: the kubernetes backend pins nothing — a pod's CPUs are its resources and the kubelet's CPU manager policy`,
      }),
      startArm: (arm) => startArm({ scenario, arm, runId: ctx.runId, namespace, cluster, pods, token, schedulable, phase: phase++ }),
    };
  },
};

async function checkInstalledMesh(cluster: ResolvedCluster, provider: 'linkerd' | 'istio'): Promise<void> {
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const ns = provider === 'linkerd' ? 'linkerd' : 'istio-system';
  const present = await core.readNamespace({ name: ns }).then(() => true, () => false);
  if (!present) {
    throw environmentError(
      'E_MESH_MISSING',
      `mesh.provider is ${provider}, but the cluster has no ${provider} control plane (namespace ${ns} not found)`,
      provider === 'linkerd' ? 'Install it: `linkerd install --crds | kubectl apply -f - && linkerd install | kubectl apply -f -`, or use mesh.provider: bundled.' : 'Install it: `istioctl install -y`, or use mesh.provider: bundled.',
    );
  }
}

interface ArmContext {
  scenario: Scenario;
  arm: ArmName;
  runId: string;
  namespace: string;
  cluster: ResolvedCluster;
  pods: PodWatch;
  token: string;
  schedulable: number;
  phase: number;
}

async function startArm(c: ArmContext): Promise<ArmTopology> {
  const { scenario, arm, runId, namespace, pods } = c;
  const { kc } = c.cluster;
  const objects = armObjects(scenario, arm, runId);
  // Services first: their ClusterIPs become every pod's /etc/hosts entries (no DNS needed).
  const services = [];
  for (const o of objects.filter((o) => o.kind === 'Service' || o.kind === 'Namespace' || o.kind === 'ConfigMap')) services.push(await serverSideApply(kc, o));
  const aliases: V1HostAlias[] = serviceAliases(services);
  for (const o of withHostAliases(objects.filter((o) => !['Service', 'Namespace', 'ConfigMap'].includes(o.kind!)), aliases)) await serverSideApply(kc, o);

  const armSelector = { [RUN_LABEL]: runId, [ARM_LABEL]: arm };
  const replicasWanted = scenario.topology.services.filter((s) => !s.external).reduce((n, s) => n + s.replicas, 0);
  const serviceSelector = { ...armSelector, [COMPONENT_LABEL]: 'synthetic-service' };
  await pods.waitFor(`services of the ${arm} arm`, serviceSelector, (ps) => ps.filter(isPodReady).length >= replicasWanted, READY_TIMEOUT_MS);
  const bundled = arm === 'meshed' && scenario.meshDeployment.provider === 'bundled';
  const daemonset = bundled && scenario.meshDeployment.deploy === 'daemonset';
  const proxySelector = { [RUN_LABEL]: runId, [COMPONENT_LABEL]: 'mesh-proxy' };
  if (daemonset) await pods.waitFor('mesh proxy DaemonSet (one per node)', proxySelector, (ps) => ps.filter(isPodReady).length >= c.schedulable, READY_TIMEOUT_MS);

  const links = await startLinkProxies(c, services);

  const servicePods = (service?: string) => pods.pods({ ...serviceSelector, ...(service ? { [SERVICE_LABEL]: service } : {}) }).filter(isPodReady);
  const podGet = async (pod: V1Pod, port: number, path: string) => {
    const r = await kubeRequest(kc, 'GET', podProxyPath(namespace, pod.metadata!.name!, port, path));
    if (r.status !== 200) throw new Error(`GET ${pod.metadata!.name}:${port}${path}: HTTP ${r.status}`);
    return JSON.parse(r.body) as unknown;
  };
  const podPost = (pod: V1Pod, port: number, path: string) => kubeRequest(kc, 'POST', podProxyPath(namespace, pod.metadata!.name!, port, path));
  const { targets, hostHeader } = loadTargets(scenario, arm);
  let loads = 0;

  const replicaPods = (service: string, replica: number | null = null): V1Pod[] => {
    const all = servicePods(service);
    if (replica === null) return all;
    const pod = all[replica];
    if (!pod) throw environmentError('E_KUBE_REPLICA', `${service} has no replica ${replica} (${all.length} running)`, 'Replica indexes count from 0 in pod-name order.');
    return [pod];
  };
  const faultPods = (fault: FaultSpec): V1Pod[] =>
    fault.target.kind === 'link' ? replicaPods(fault.target.to) : replicaPods(fault.target.service, fault.target.replica);
  const agentOnNode = (node: string) => pods.pods({ [RUN_LABEL]: runId, [COMPONENT_LABEL]: CHAOS_AGENT_NAME }).find((p) => p.spec?.nodeName === node && isPodReady(p));
  const agent = { kc, namespace, token: c.token, agentOnNode };
  let faultCounter = 0;
  const faultId = (f: FaultSpec) => `${arm}-${c.phase}-${++faultCounter}-${f.kind}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const combine = (parts: ActiveFault[]): ActiveFault => ({
    mechanism: parts.length > 1 ? `${parts[0]!.mechanism} (×${parts.length})` : (parts[0]?.mechanism ?? 'nothing to inject'),
    stop: async () => void (await Promise.all(parts.map((p) => p.stop()))),
  });

  const deletePods = async (targets: V1Pod[], graceSeconds: number) => {
    const core = kc.makeApiClient(CoreV1Api);
    await Promise.all(targets.map((p) => core.deleteNamespacedPod({ name: p.metadata!.name!, namespace, gracePeriodSeconds: graceSeconds })));
  };
  const waitReplicas = () => pods.waitFor(`services of the ${arm} arm back to full strength`, serviceSelector, (ps) => ps.filter(isPodReady).length >= replicasWanted, READY_TIMEOUT_MS);

  return {
    arm,
    loadTargets: targets,
    hostHeader,
    startLoad: (config, events) => startLoadPods({ kc, scenario, arm, runId, namespace, pods, aliases, jobName: `load-${arm}-${c.phase}-${loads++}` }, config, events),

    async sampleServices() {
      const out = new Map<string, ServiceCounters>();
      await Promise.all(
        servicePods().map(async (p) => {
          const counters = (await podGet(p, SERVICE_ADMIN_PORT, '/admin/counters.json')) as ServiceCounters;
          out.set(`${p.metadata!.labels![SERVICE_LABEL]}#${p.metadata!.name}`, counters);
        }),
      );
      return out;
    },

    async proxyStats(): Promise<ArmProxyStats | null> {
      if (!bundled) return null;
      const proxies = daemonset ? pods.pods(proxySelector).filter(isPodReady) : servicePods();
      const docs = await Promise.all(proxies.map(async (p) => ({ pod: p.metadata!.name!, node: p.spec?.nodeName ?? null, doc: (await podGet(p, proxyPorts(scenario.mesh).admin, '/admin/stats.json')) as ProxyStatsDocument })));
      return mergeProxyStats(docs);
    },

    replicas(service, replica = null) {
      return replicaPods(service, replica).map(
        (pod, i): ReplicaHandle => ({
          service,
          index: replica ?? i,
          kill: () => deletePods([pod], 0),
          restart: async () => void (await waitReplicas()),
        }),
      );
    },

    async startFault(fault) {
      switch (fault.kind) {
        case 'db-lock': {
          const targets = faultPods(fault);
          await Promise.all(targets.map(async (p) => {
            const r = await podPost(p, SERVICE_ADMIN_PORT, `/admin/db-lock?ms=${fault.durationMs}`);
            if (r.status !== 204) throw new Error(`db-lock on ${p.metadata!.name}: HTTP ${r.status} ${r.body}`);
          }));
          return { mechanism: `simulated table lock for ${fault.durationMs} ms via POST /admin/db-lock on ${targets.length} pod(s) of ${targets[0]?.metadata?.labels?.[SERVICE_LABEL] ?? '?'}`, stop: async () => {} };
        }
        case 'kill': {
          const targets = faultPods(fault);
          await deletePods(targets, 0);
          return {
            mechanism: `pod(s) ${targets.map((p) => p.metadata!.name).join(', ')} deleted with grace 0; their Deployment starts replacements at once (a kill cannot be held open on Kubernetes)`,
            stop: async () => void (await waitReplicas()),
          };
        }
        case 'restart': {
          const targets = faultPods(fault);
          await deletePods(targets, 30);
          await waitReplicas();
          return { mechanism: `pod(s) ${targets.map((p) => p.metadata!.name).join(', ')} deleted gracefully and replaced by their Deployment`, stop: async () => {} };
        }
        case 'loss':
        case 'partition':
          return combine(
            await Promise.all(
              faultPods(fault).map((p) =>
                startAgentFault(agent, faultId(fault), p.spec!.nodeName!, {
                  kind: fault.kind === 'loss' ? 'loss' : 'partition',
                  podUid: p.metadata!.uid!,
                  ports: [SERVICE_PORT],
                  percent: fault.kind === 'loss' ? fault.percent : 100,
                }),
              ),
            ),
          );
        case 'cpu-steal':
          return combine(
            await Promise.all(
              faultPods(fault).map((p) => startAgentFault(agent, faultId(fault), p.spec!.nodeName!, { kind: 'cpu-steal', podUid: p.metadata!.uid!, percent: fault.percent, periodMs: fault.periodMs })),
            ),
          );
        case 'latency':
        case 'bandwidth':
        case 'slow_close':
        case 'timeout':
        case 'reset_peer':
        case 'slicer':
        case 'limit_data': {
          if (fault.target.kind !== 'link' || !links) throw new Error(`${fault.name}: a toxic needs a link target and the arm's Toxiproxy`);
          const proxyName = linkProxyName(runId, fault.target.from, fault.target.to, 0);
          const toxic = await startToxic({ toxiproxyUrl: links.url, proxyName, fault });
          return { mechanism: `${toxic.mechanism} in pod ${links.pod}; ${links.rerouting(fault.target.from, fault.target.to)}`, stop: toxic.stop };
        }
        case 'noisy-neighbour': {
          const nodes = [...new Set(faultPods(fault).map((p) => p.spec!.nodeName!))];
          return combine(await Promise.all(nodes.map((node) => startAgentFault(agent, faultId(fault), node, { kind: 'noisy-neighbour', hogs: fault.hogs }))));
        }
      }
    },

    async stop() {
      await links?.close();
      // Fresh pods for every phase: delete this arm's workloads and wait until their pods are gone.
      const core = kc.makeApiClient(CoreV1Api);
      const selector = `${RUN_LABEL}=${runId},${ARM_LABEL}=${arm}`;
      const { AppsV1Api, BatchV1Api } = await import('@kubernetes/client-node');
      const apps = kc.makeApiClient(AppsV1Api);
      const batch = kc.makeApiClient(BatchV1Api);
      await apps.deleteCollectionNamespacedDeployment({ namespace, labelSelector: selector, gracePeriodSeconds: 0 });
      await apps.deleteCollectionNamespacedDaemonSet({ namespace, labelSelector: `${RUN_LABEL}=${runId},${COMPONENT_LABEL}=mesh-proxy`, gracePeriodSeconds: 0 });
      await batch.deleteCollectionNamespacedJob({ namespace, labelSelector: selector, propagationPolicy: 'Background', gracePeriodSeconds: 0 });
      for (const s of (await core.listNamespacedService({ namespace, labelSelector: selector })).items) {
        await core.deleteNamespacedService({ name: s.metadata!.name!, namespace });
      }
      await core.deleteCollectionNamespacedPod({ namespace, labelSelector: selector, gracePeriodSeconds: 0 });
      await pods.waitFor(`pods of the ${arm} arm to go`, armSelector, (ps) => ps.length === 0, READY_TIMEOUT_MS);
      if (daemonset) await pods.waitFor('mesh proxy pods to go', proxySelector, (ps) => ps.length === 0, READY_TIMEOUT_MS);
    },
  };
}

/** The arm's Toxiproxy, ready, with a listener per toxic link in front of the callee's Service
 * (its ClusterIP, fresh for every arm); null when the scenario has no toxic link. */
async function startLinkProxies(c: ArmContext, services: KubernetesObject[]) {
  const links = toxicLinks(c.scenario);
  if (links.length === 0) return null;
  const { kc } = c.cluster;
  const selector = { [RUN_LABEL]: c.runId, [ARM_LABEL]: c.arm, [COMPONENT_LABEL]: 'toxiproxy' };
  await c.pods.waitFor(`Toxiproxy of the ${c.arm} arm`, selector, (ps) => ps.some(isPodReady), READY_TIMEOUT_MS);
  const pod = c.pods.pods(selector).find(isPodReady)!.metadata!.name!;
  const relay = await startPodPortRelay(kc, c.namespace, pod, TOXIPROXY_API_PORT);
  const clusterIp = (name: string) => (services as V1Service[]).find((s) => s.kind === 'Service' && s.metadata?.name === name)?.spec?.clusterIP;
  try {
    for (const link of links) {
      const ip = clusterIp(link.to);
      if (!ip) throw new Error(`no ClusterIP for ${link.to}, the callee of the toxic link ${link.from}->${link.to}`);
      await ensureLinkProxy(relay.url, { name: linkProxyName(c.runId, link.from, link.to, 0), upstream: `${ip}:${SERVICE_PORT}`, listen: `0.0.0.0:${link.port}` });
    }
  } catch (err) {
    await relay.close();
    throw err;
  }
  const viaProxy = throughBundledProxy(c.scenario, c.arm);
  return {
    url: relay.url,
    pod,
    close: () => relay.close(),
    /** How the link's traffic reaches the toxic, for the fault record. */
    rerouting(from: string, to: string): string {
      const address = linkAddress(links.find((l) => l.from === from && l.to === to)!);
      return viaProxy
        ? `the ${c.arm} arm's proxy reaches ${to} at ${address}, the link's Toxiproxy listener in front of ${to}'s Service`
        : `${from} calls ${to} at ${address}, the link's Toxiproxy listener in front of ${to}'s Service`;
    },
  };
}

/** One proxy pod's /admin/stats.json, with the pod's name and node. */
export interface PodProxyStats {
  pod: string;
  node: string | null;
  doc: ProxyStatsDocument;
}

const CPU = 'process_cpu_seconds_total';
const RSS = 'process_resident_memory_bytes';

/** The proxies' counters summed, their audits summed per route and zone, their per-destination
 * counts summed per destination — and each pod's own CPU and memory kept apart (a sum of
 * resident memories is no process's memory). */
export function mergeProxyStats(pods: PodProxyStats[]): ArmProxyStats {
  const counters: Record<string, number> = {};
  const audit = new Map<string, { route: string; zone: string; requests: number }>();
  const destinations: ProxyStats['destinations'] = {};
  const processes: ProxyProcessSample[] = [];
  for (const { pod, node, doc: d } of pods) {
    processes.push({ name: pod, node, cpuSeconds: d.counters[CPU] ?? null, rssBytes: d.counters[RSS] ?? null });
    for (const [k, v] of Object.entries(d.counters)) if (k !== CPU && k !== RSS) counters[k] = (counters[k] ?? 0) + v;
    for (const [name, c] of Object.entries(d.destinations ?? {})) {
      const sum = (destinations[name] ??= { requests: 0, attempts: 0, attempted: 0 });
      sum.requests += c.requests;
      sum.attempts += c.attempts;
      sum.attempted += c.attempted;
    }
    for (const a of d.audit) {
      const key = `${a.route}\u0000${a.zone}`;
      const row = audit.get(key) ?? { route: a.route, zone: a.zone, requests: 0 };
      row.requests += a.requests;
      audit.set(key, row);
    }
  }
  return { counters, audit: [...audit.values()], destinations, processes };
}
