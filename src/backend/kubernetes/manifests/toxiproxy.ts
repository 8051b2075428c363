// Why: latency, jitter, bandwidth and the other L4 toxics need a Toxiproxy on the faulted link
// (DESIGN.md decision 5). In a cluster it is a Deployment of the bundled Toxiproxy-compatible
// server in the arm's namespace with one listener per faulted link, and only those links are
// rerouted through it: where the caller picks its callee's address — the app in the direct arm
// (and with linkerd/istio, whose injected proxy intercepts the call to Toxiproxy), the bundled
// proxy's destination in the meshed arm. Every other link is untouched. Pure: scenario in,
// objects and addresses out; the backend creates the link proxies and toxics through the API.
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { injections } from '../../../scenario/injections.ts';
import { TOXIC_KINDS, type ArmName, type Scenario } from '../../../scenario/types.ts';
import { meshbenchContainer, podResources } from './image.ts';
import { componentLabels, namespaceOf } from './labels.ts';

export const TOXIPROXY_NAME = 'toxiproxy';
export const TOXIPROXY_API_PORT = 8474;
const FIRST_LINK_PORT = 18000;

/** A faulted call edge and the Toxiproxy listener it is rerouted through. */
export interface ToxicLink {
  from: string;
  to: string;
  port: number;
}

/** The links some toxic fault or condition targets, in a stable order, each with its own port. */
export function toxicLinks(scenario: Scenario): ToxicLink[] {
  const keys = new Set<string>();
  for (const f of injections(scenario)) {
    if ((TOXIC_KINDS as readonly string[]).includes(f.kind) && f.target.kind === 'link') keys.add(`${f.target.from}->${f.target.to}`);
  }
  return [...keys].sort().map((key, i) => {
    const [from, to] = key.split('->') as [string, string];
    return { from, to, port: FIRST_LINK_PORT + i };
  });
}

/** host:port a rerouted caller (or the proxy) uses for the link: the Toxiproxy Service's listener. */
export function linkAddress(link: ToxicLink): string {
  return `${TOXIPROXY_NAME}:${link.port}`;
}

export function linkOf(scenario: Scenario, from: string, to: string): ToxicLink | undefined {
  return toxicLinks(scenario).find((l) => l.from === from && l.to === to);
}

/**
 * Why a scenario's toxic links cannot be rerouted on the kubernetes backend (empty when they
 * can). Through the bundled proxy a link is rerouted by the proxy's destination for the callee,
 * which every caller of that callee shares, and that destination is then one Toxiproxy listener
 * without zones, so a zone route could not choose among the callee's replicas.
 */
export function toxicLinkProblems(scenario: Scenario): string[] {
  const links = toxicLinks(scenario);
  const viaProxy = scenario.arms.includes('meshed') && scenario.meshDeployment.provider === 'bundled';
  if (!viaProxy || links.length === 0) return [];
  const problems: string[] = [];
  for (const link of links) {
    const callers = scenario.topology.services.filter((s) => s.calls.some((c) => c.service === link.to)).map((s) => s.name);
    if (scenario.topology.entry === link.to) callers.push('the load generator');
    if (callers.length > 1) {
      problems.push(`${link.from}->${link.to}: in the meshed arm a toxic reroutes the proxy's destination ${link.to}, which ${callers.join(' and ')} share; give ${link.to} a single caller`);
    }
  }
  const zoned = scenario.mesh.routes.filter((r) => r.subset && Object.keys(r.subset).length > 0).map((r) => r.name);
  if (zoned.length > 0) {
    problems.push(`toxic links with subset routes (${zoned.join(', ')}): a rerouted destination is one Toxiproxy listener with no zone to route on; run the toxics and the routes in separate scenarios`);
  }
  return problems;
}

/** The arm's Toxiproxy: a Service (API and one port per link) and a one-replica Deployment. */
export function toxiproxyManifests(scenario: Scenario, arm: ArmName, runId: string): [V1Service, V1Deployment] | [] {
  const links = toxicLinks(scenario);
  if (links.length === 0) return [];
  const namespace = namespaceOf(scenario, runId);
  const labels = componentLabels(runId, 'toxiproxy', arm);
  const ports = [{ name: 'api', port: TOXIPROXY_API_PORT }, ...links.map((l, i) => ({ name: `link-${i}`, port: l.port }))];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: TOXIPROXY_NAME, namespace, labels },
      spec: { selector: labels, ports: ports.map((p) => ({ ...p, targetPort: p.port, protocol: 'TCP' })) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: TOXIPROXY_NAME, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            enableServiceLinks: false,
            containers: [
              {
                // Upstreams are the callees' ClusterIPs and listeners the pod's address: not loopback.
                ...meshbenchContainer(scenario, TOXIPROXY_NAME, 'toxiproxy', ['--host', '0.0.0.0', '--port', String(TOXIPROXY_API_PORT), '--allow-non-loopback']),
                resources: podResources(scenario, 'toxiproxy'),
                ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
                readinessProbe: { httpGet: { path: '/version', port: TOXIPROXY_API_PORT }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
  ];
}
