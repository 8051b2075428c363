// Why: the scenario's services as a cluster runs them: a Service per synthetic service (its
// name is the DNS name callers use) and a Deployment per zone the scenario pins replicas to
// (node affinity on topology.kubernetes.io/zone), so `zones: [no, de]` puts one replica on each
// zone's nodes. A replica's whole behaviour — service time, pool, downstream calls and the
// app's retry policy — travels in its ServiceConfig, passed as an environment variable.
import type { V1Affinity, V1Deployment, V1PodSpec, V1Service } from '@kubernetes/client-node';
import { deriveSeed } from '../../../core/rng.ts';
import type { ArmName, Scenario, ServiceSpec } from '../../../scenario/types.ts';
import type { ServiceConfig } from '../../../services/protocol.ts';
import { ADMIN_HOST_ENV, ADMIN_PORT_ENV, CONFIG_ENV } from '../../../services/standalone-config.ts';
import { downstreamsOf, hostIpEnv, throughBundledProxy } from './downstreams.ts';
import { meshbenchContainer, podResources } from './image.ts';
import { ARM_LABEL, componentLabels, namespaceOf, RUN_LABEL, SERVICE_LABEL, ZONE_LABEL } from './labels.ts';
import { PROXY_NAME, proxyConfigVolume, proxySidecar } from './mesh-proxy.ts';
import { SERVICE_ADMIN_PORT, SERVICE_PORT, SERVICE_PORT_NAME } from './ports.ts';

/** Replicas sharing a zone (or all of them, when the service sets no zones), in replica order. */
export interface ZoneGroup {
  zone: string | null;
  /** Replica indexes of the scenario that this group's pods stand for. */
  replicas: number[];
}

export function zoneGroups(spec: ServiceSpec): ZoneGroup[] {
  if (!spec.zones) return [{ zone: null, replicas: Array.from({ length: spec.replicas }, (_, i) => i) }];
  const groups = new Map<string, number[]>();
  spec.zones.forEach((zone, i) => groups.set(zone, [...(groups.get(zone) ?? []), i]));
  return [...groups].map(([zone, replicas]) => ({ zone, replicas }));
}

export function deploymentName(spec: ServiceSpec, group: ZoneGroup): string {
  return group.zone === null ? spec.name : `${spec.name}-zone-${group.zone.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}

function zoneAffinity(zone: string): V1Affinity {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_LABEL, operator: 'In', values: [zone] }] }],
      },
    },
  };
}

function serviceConfig(scenario: Scenario, arm: ArmName, spec: ServiceSpec, group: ZoneGroup): ServiceConfig {
  return {
    name: spec.name,
    // The group's first replica: its pods are interchangeable, as a Deployment's are.
    replica: group.replicas[0]!,
    host: '0.0.0.0',
    port: SERVICE_PORT,
    serviceTime: spec.serviceTime,
    pool: spec.pool,
    responseBytes: spec.responseBytes,
    seed: deriveSeed(scenario.seed, 'services'),
    calls: downstreamsOf(scenario, arm, spec),
    replicas: spec.replicas,
    contention: spec.contention,
  };
}

function podSpec(scenario: Scenario, arm: ArmName, spec: ServiceSpec, group: ZoneGroup): V1PodSpec {
  const viaProxy = throughBundledProxy(scenario, arm);
  const sidecar = viaProxy && scenario.meshDeployment.deploy === 'sidecar';
  return {
    enableServiceLinks: false,
    ...(sidecar ? { serviceAccountName: PROXY_NAME, initContainers: [proxySidecar(scenario)], volumes: [proxyConfigVolume] } : {}),
    ...(group.zone !== null ? { affinity: zoneAffinity(group.zone) } : {}),
    containers: [
      {
        ...meshbenchContainer(scenario, 'service', 'service'),
        resources: podResources(scenario, 'services'),
        // HOST_IP first: Kubernetes expands $(HOST_IP) in later variables only.
        env: [
          ...(viaProxy && !sidecar ? [hostIpEnv()] : []),
          { name: CONFIG_ENV, value: JSON.stringify(serviceConfig(scenario, arm, spec, group)) },
          { name: ADMIN_HOST_ENV, value: '0.0.0.0' },
          { name: ADMIN_PORT_ENV, value: String(SERVICE_ADMIN_PORT) },
        ],
        ports: [
          { name: SERVICE_PORT_NAME, containerPort: SERVICE_PORT, protocol: 'TCP' },
          { name: 'admin', containerPort: SERVICE_ADMIN_PORT, protocol: 'TCP' },
        ],
        readinessProbe: { httpGet: { path: '/ready', port: 'admin' }, periodSeconds: 1 },
      },
    ],
  };
}

export function serviceManifests(scenario: Scenario, arm: ArmName, runId: string): Array<V1Service | V1Deployment> {
  const namespace = namespaceOf(scenario, runId);
  return scenario.topology.services
    .filter((spec) => !spec.external)
    .flatMap((spec) => {
      const labels = { ...componentLabels(runId, 'synthetic-service', arm), [SERVICE_LABEL]: spec.name };
      const service: V1Service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: spec.name, namespace, labels },
        spec: {
          selector: { [RUN_LABEL]: runId, [ARM_LABEL]: arm, [SERVICE_LABEL]: spec.name },
          ports: [
            { name: SERVICE_PORT_NAME, port: SERVICE_PORT, targetPort: SERVICE_PORT_NAME, protocol: 'TCP' },
            { name: 'admin', port: SERVICE_ADMIN_PORT, targetPort: 'admin', protocol: 'TCP' },
          ],
        },
      };
      const deployments = zoneGroups(spec).map((group): V1Deployment => {
        const podLabels = { ...labels, ...(group.zone !== null ? { 'meshbench.dev/zone': group.zone } : {}) };
        return {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: deploymentName(spec, group), namespace, labels: podLabels },
          spec: {
            replicas: group.replicas.length,
            selector: { matchLabels: podLabels },
            template: { metadata: { labels: podLabels }, spec: podSpec(scenario, arm, spec, group) },
          },
        };
      });
      return [service, ...deployments];
    });
}
