// Why: Kubernetes objects are pure functions of the scenario (STYLE.md point 10): this is the
// whole desired state of a run and of each arm, in the order a server-side apply creates it
// (namespace, identities, config, Services, workloads). Applying, waiting and deleting are
// the backend's job; nothing here talks to a cluster.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ArmName, Scenario } from '../../../scenario/types.ts';
import { chaosAgentManifests, needsChaosAgent } from './chaos-agent.ts';
import { throughBundledProxy } from './downstreams.ts';
import { proxyConfigMap, proxyDaemonSet, proxyRbac } from './mesh-proxy.ts';
import { namespaceManifest } from './namespace.ts';
import { serviceManifests } from './synthetic-services.ts';
import { toxiproxyManifests } from './toxiproxy.ts';

/** What every phase of the run shares: the namespace, the proxy's identity, the chaos agent
 * (with the token the runner authenticates to it with). */
export function runObjects(scenario: Scenario, runId: string, agentToken: string): KubernetesObject[] {
  return [
    namespaceManifest(scenario, runId, null),
    ...(scenario.arms.some((arm) => throughBundledProxy(scenario, arm)) ? proxyRbac(scenario, runId) : []),
    ...(needsChaosAgent(scenario) ? chaosAgentManifests(scenario, runId, agentToken) : []),
  ];
}

/** One arm's topology: the namespace as the arm needs it, the bundled proxy if any, the services,
 * the Toxiproxy of its faulted links if any. */
export function armObjects(scenario: Scenario, arm: ArmName, runId: string): KubernetesObject[] {
  const bundled = throughBundledProxy(scenario, arm);
  return [
    namespaceManifest(scenario, runId, arm),
    ...(bundled ? [proxyConfigMap(scenario, runId)] : []),
    ...serviceManifests(scenario, arm, runId),
    ...toxiproxyManifests(scenario, arm, runId),
    ...(bundled && scenario.meshDeployment.deploy === 'daemonset' ? [proxyDaemonSet(scenario, runId)] : []),
  ];
}
