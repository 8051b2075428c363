// Why: faults inside pods (packet loss and partitions in a pod's network namespace, CPU steal by
// freezing its cgroup, noisy neighbours on its node) need a privileged helper on every node: the
// chaos agent DaemonSet — host PID namespace to find a container's processes, NET_ADMIN and
// SYS_ADMIN to enter its network namespace and write cgroups. It holds each fault on a Lease in
// the run's namespace and lifts it by itself when the runner stops renewing. It is deployed
// per run (so it carries the run's labels and goes with its namespace) and only when the
// scenario has such a fault; its cluster-scoped ClusterRole is named and labelled by run.
import type { V1ClusterRole, V1DaemonSet, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import type { FaultKind, Scenario } from '../../../scenario/types.ts';
import { meshbenchContainer } from './image.ts';
import { clusterScopedName, componentLabels, namespaceOf } from './labels.ts';

export const CHAOS_AGENT_NAME = 'chaos-agent';
const POD_LEVEL_FAULTS: readonly FaultKind[] = ['loss', 'partition', 'cpu-steal', 'noisy-neighbour'];

export function needsChaosAgent(scenario: Scenario): boolean {
  return scenario.faults.some((f) => POD_LEVEL_FAULTS.includes(f.kind));
}

export function chaosAgentManifests(scenario: Scenario, runId: string): [V1ServiceAccount, V1ClusterRole, V1RoleBinding, V1DaemonSet] {
  const namespace = namespaceOf(scenario, runId);
  const labels = componentLabels(runId, 'chaos-agent');
  const role = clusterScopedName(runId, CHAOS_AGENT_NAME);
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: CHAOS_AGENT_NAME, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: role, labels },
      rules: [
        // Which container of which pod runs on this node (its containerID → its processes).
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
        // The fault leases the runner renews; the agent lifts a fault whose lease ran out.
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'update', 'patch', 'delete'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      // Bound in the run's namespace only: the agent reads and touches nothing outside it.
      kind: 'RoleBinding',
      metadata: { name: CHAOS_AGENT_NAME, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: CHAOS_AGENT_NAME, namespace }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: CHAOS_AGENT_NAME, namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: {
            labels,
            // An installed mesh must not put its proxy beside the agent (it would carry the faults' control traffic).
            annotations: { 'linkerd.io/inject': 'disabled', 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            serviceAccountName: CHAOS_AGENT_NAME,
            hostPID: true,
            enableServiceLinks: false,
            containers: [
              {
                ...meshbenchContainer(scenario, CHAOS_AGENT_NAME, 'chaosAgent'),
                env: [
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                  { name: 'MESHBENCH_NAMESPACE', value: namespace },
                  { name: 'MESHBENCH_RUN_ID', value: runId },
                ],
                securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN'] } },
                volumeMounts: [{ name: 'host-cgroup', mountPath: '/host/sys/fs/cgroup' }],
              },
            ],
            volumes: [{ name: 'host-cgroup', hostPath: { path: '/sys/fs/cgroup', type: 'Directory' } }],
          },
        },
      },
    },
  ];
}
