// Why: everything a run creates in a cluster must be findable by `meshbench clean` and by the
// teardown even after a crash, so every object — and every pod template — carries the same two
// labels, and names are derived here once.
import type { ArmName, Scenario } from '../../../scenario/types.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'meshbench';
export const RUN_LABEL = 'meshbench.dev/run';
export const ARM_LABEL = 'meshbench.dev/arm';
export const SERVICE_LABEL = 'meshbench.dev/service';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export type Component = 'synthetic-service' | 'mesh-proxy' | 'load-generator' | 'chaos-agent' | 'toxiproxy';

/** The labels every object of the run carries (what `clean` selects on). */
export function runLabels(runId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [RUN_LABEL]: runId };
}

/** Run labels plus what the object is (and for which arm, when it belongs to one). */
export function componentLabels(runId: string, component: Component, arm: ArmName | null = null): Record<string, string> {
  return { ...runLabels(runId), [COMPONENT_LABEL]: component, ...(arm ? { [ARM_LABEL]: arm } : {}) };
}

/** The run's namespace: the scenario's `backend.namespace`, else `meshbench-<run id>`. */
export function namespaceOf(scenario: Scenario, runId: string): string {
  return (scenario.backend.kind === 'kubernetes' ? scenario.backend.namespace : null) ?? `meshbench-${runId}`;
}

/** Cluster-scoped objects have no namespace to keep them apart: their names carry the run id. */
export function clusterScopedName(runId: string, what: string): string {
  return `meshbench-${runId}-${what}`;
}
