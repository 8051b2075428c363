// Why: one namespace per run holds everything namespaced the run creates, so deleting it is
// the teardown. Its labels say who owns it (for `clean`), whether privileged pods may run in it
// (the chaos agent), and — for the meshed arm of linkerd/istio — that the installed mesh
// injects its proxy into every pod created there.
import type { V1Namespace } from '@kubernetes/client-node';
import type { ArmName, Scenario } from '../../../scenario/types.ts';
import { needsChaosAgent } from './chaos-agent.ts';
import { namespaceOf, runLabels } from './labels.ts';

/** The namespace as an arm needs it; `arm` null = before any arm (no injection). */
export function namespaceManifest(scenario: Scenario, runId: string, arm: ArmName | null): V1Namespace {
  const provider = arm === 'meshed' ? scenario.meshDeployment.provider : 'bundled';
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespaceOf(scenario, runId),
      labels: {
        ...runLabels(runId),
        ...(needsChaosAgent(scenario) ? { 'pod-security.kubernetes.io/enforce': 'privileged' } : {}),
        ...(provider === 'istio' ? { 'istio-injection': 'enabled' } : {}),
      },
      ...(provider === 'linkerd' ? { annotations: { 'linkerd.io/inject': 'enabled' } } : {}),
    },
  };
}
