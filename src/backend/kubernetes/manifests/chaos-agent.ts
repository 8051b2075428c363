// Why: faults inside pods (packet loss and partitions in a pod's network namespace, CPU steal by
// freezing its cgroup, noisy neighbours on its node) need a privileged helper on every node: the
// chaos agent DaemonSet — host PID namespace to find a pod's processes, privileged to enter its
// network namespace and write the host's cgroups (mounted at /host/sys/fs/cgroup). The runner
// reaches it through the API server's pod proxy with a per-run token and holds every fault on a
// lease it renews; when the runner stops renewing, the agent lifts the fault by itself
// (src/agent/). It needs no API access (no token is mounted). Deployed per run, only when the
// scenario has such a fault, so it carries the run's labels and goes with its namespace.
import type { V1DaemonSet, V1Secret } from '@kubernetes/client-node';
import type { FaultKind, Scenario } from '../../../scenario/types.ts';
import { meshbenchContainer } from './image.ts';
import { componentLabels, namespaceOf } from './labels.ts';
import { injections } from '../../../scenario/injections.ts';

export const CHAOS_AGENT_NAME = 'chaos-agent';
const POD_LEVEL_FAULTS: readonly FaultKind[] = ['loss', 'partition', 'cpu-steal', 'noisy-neighbour'];

export function needsChaosAgent(scenario: Scenario): boolean {
  return injections(scenario).some((f) => POD_LEVEL_FAULTS.includes(f.kind));
}

export const CHAOS_AGENT_PORT = 9997;
/**
 * Small requests so the agent is Burstable, not BestEffort (the first pods a node evicts under
 * memory pressure), and no limit: an agent killed for memory while a fault holds could not lift it.
 */
const CHAOS_AGENT_REQUESTS = { cpu: '10m', memory: '64Mi' };
export const CHAOS_AGENT_TOKEN_SECRET = 'chaos-agent-token';

export function chaosAgentManifests(scenario: Scenario, runId: string, token: string): [V1Secret, V1DaemonSet] {
  const namespace = namespaceOf(scenario, runId);
  const labels = componentLabels(runId, 'chaos-agent');
  return [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: CHAOS_AGENT_TOKEN_SECRET, namespace, labels }, type: 'Opaque', stringData: { token } },
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
            hostPID: true,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                ...meshbenchContainer(scenario, CHAOS_AGENT_NAME, 'chaosAgent'),
                env: [
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                  { name: 'AGENT_PORT', value: String(CHAOS_AGENT_PORT) },
                  { name: 'AGENT_CGROUP_ROOT', value: '/host/sys/fs/cgroup' },
                  { name: 'AGENT_TOKEN', valueFrom: { secretKeyRef: { name: CHAOS_AGENT_TOKEN_SECRET, key: 'token' } } },
                ],
                ports: [{ name: 'agent', containerPort: CHAOS_AGENT_PORT, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'agent' }, periodSeconds: 1 },
                resources: { requests: { ...CHAOS_AGENT_REQUESTS } },
                securityContext: { privileged: true, runAsUser: 0 },
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
