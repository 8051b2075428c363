// Why: the bundled proxy in a cluster, as in the seed: a DaemonSet — one proxy per node,
// router on hostPort 4140 so apps reach their node's proxy at status.hostIP:4140 (Linkerd 1's
// daemonset transformer), admin 9990, NODE_NAME from the downward API, 200m/256Mi requests and
// 500m/512Mi limits unless the scenario says otherwise — or, with `mesh.deploy: sidecar`, one
// proxy container in every pod. Either way its config comes from a ConfigMap and its endpoints
// from EndpointSlices, which its ServiceAccount may watch (and Nodes, for their zones).
import type { V1ClusterRole, V1ClusterRoleBinding, V1ConfigMap, V1Container, V1DaemonSet, V1Role, V1RoleBinding, V1ServiceAccount, V1Volume } from '@kubernetes/client-node';
import type { ProxyConfig } from '../../../../proxy/src/config.ts';
import type { Scenario, ServiceSpec } from '../../../scenario/types.ts';
import { serviceAddress } from './downstreams.ts';
import { meshbenchContainer } from './image.ts';
import { clusterScopedName, componentLabels, namespaceOf } from './labels.ts';
import { proxyPorts, SERVICE_PORT_NAME } from './ports.ts';
import { linkAddress, toxicLinks } from './toxiproxy.ts';

export const PROXY_NAME = 'mesh-proxy';
const CONFIG_DIR = '/etc/meshbench';
const CONFIG_FILE = 'proxy.json';
const CONFIG_VOLUME = 'mesh-proxy-config';

/** What the proxy in a pod runs with: the scenario's mesh, its pod ports, endpoints discovered. */
export function podProxyConfig(scenario: Scenario, runId: string): ProxyConfig {
  const { router, admin } = proxyPorts(scenario.mesh);
  const services = scenario.topology.services;
  // A callee on a toxic link is reached through the link's Toxiproxy listener (toxiproxy.ts).
  const rerouted = new Map(toxicLinks(scenario).map((l) => [l.to, linkAddress(l)]));
  const discovered = services.filter((s) => !s.external && !rerouted.has(s.name)).map((s) => s.name);
  const staticAddress = (s: ServiceSpec) => rerouted.get(s.name) ?? (s.external ? serviceAddress(s) : null);
  return {
    // 0.0.0.0: the hostPort (DaemonSet) and the runner reading the admin port reach the pod's address.
    mesh: { ...scenario.mesh, port: router, adminPort: admin, bindAddress: '0.0.0.0' },
    destinations: Object.fromEntries(
      services.map((s) => {
        const address = staticAddress(s);
        return [s.name, { endpoints: address ? [{ address, labels: {} }] : [] }];
      }),
    ),
    ...(discovered.length > 0 ? { discovery: { kind: 'kubernetes', namespace: namespaceOf(scenario, runId), services: discovered, portName: SERVICE_PORT_NAME } } : {}),
  };
}

export function proxyConfigMap(scenario: Scenario, runId: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: PROXY_NAME, namespace: namespaceOf(scenario, runId), labels: componentLabels(runId, 'mesh-proxy', 'meshed') },
    data: { [CONFIG_FILE]: JSON.stringify(podProxyConfig(scenario, runId), null, 2) },
  };
}

export const proxyConfigVolume: V1Volume = { name: CONFIG_VOLUME, configMap: { name: PROXY_NAME } };

/** The proxy container; `hostPort` only in the DaemonSet, where apps reach it via their node. */
export function proxyContainer(scenario: Scenario, opts: { hostPort: boolean }): V1Container {
  const { router, admin } = proxyPorts(scenario.mesh);
  const { requests, limits } = scenario.meshDeployment.resources;
  return {
    ...meshbenchContainer(scenario, PROXY_NAME, 'proxy', ['--config', `${CONFIG_DIR}/${CONFIG_FILE}`]),
    env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    ports: [
      { name: 'outgoing', containerPort: router, protocol: 'TCP', ...(opts.hostPort ? { hostPort: router } : {}) },
      { name: 'proxy-admin', containerPort: admin, protocol: 'TCP' },
    ],
    resources: { requests: { ...requests }, limits: { ...limits } },
    // Ready once its endpoints are discovered (the admin answers 503 until then).
    readinessProbe: { httpGet: { path: '/ready', port: 'proxy-admin' }, periodSeconds: 1, failureThreshold: 3 },
    volumeMounts: [{ name: CONFIG_VOLUME, mountPath: CONFIG_DIR, readOnly: true }],
  };
}

/** A native sidecar (an init container that keeps running): up before the app, gone after it. */
export function proxySidecar(scenario: Scenario): V1Container {
  return { ...proxyContainer(scenario, { hostPort: false }), restartPolicy: 'Always' };
}

export function proxyDaemonSet(scenario: Scenario, runId: string): V1DaemonSet {
  const labels = componentLabels(runId, 'mesh-proxy', 'meshed');
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: PROXY_NAME, namespace: namespaceOf(scenario, runId), labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: PROXY_NAME,
          enableServiceLinks: false,
          containers: [proxyContainer(scenario, { hostPort: true })],
          volumes: [proxyConfigVolume],
        },
      },
    },
  };
}

/** The proxy's identity: watch EndpointSlices in the run's namespace, and Nodes (cluster-scoped). */
export function proxyRbac(scenario: Scenario, runId: string): [V1ServiceAccount, V1Role, V1RoleBinding, V1ClusterRole, V1ClusterRoleBinding] {
  const namespace = namespaceOf(scenario, runId);
  const labels = componentLabels(runId, 'mesh-proxy');
  const subjects = [{ kind: 'ServiceAccount', name: PROXY_NAME, namespace }];
  const nodesRole = clusterScopedName(runId, PROXY_NAME);
  const watch = ['get', 'list', 'watch'];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: PROXY_NAME, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: PROXY_NAME, namespace, labels },
      rules: [{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: watch }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: PROXY_NAME, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: PROXY_NAME },
      subjects,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: nodesRole, labels },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: watch }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: nodesRole, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: nodesRole },
      subjects,
    },
  ];
}
