// Why: every pod runs the one meshbench image (issue 11: precompiled entries in /app/dist, run
// by the image's `node` entrypoint). Which entry a container runs, and how the image is pulled,
// is decided here so the image's interface is written down in one place.
import type { V1Container, V1ResourceRequirements } from '@kubernetes/client-node';
import type { PodRequests, Scenario } from '../../../scenario/types.ts';
import { DEFAULT_KUBERNETES_BACKEND } from '../../../scenario/defaults.ts';

/** The image's entries: /app/dist/<name>.mjs, bundled from the process entry of the same role. */
export const IMAGE_ENTRIES = {
  service: '/app/dist/service.mjs',
  proxy: '/app/dist/proxy.mjs',
  loadPod: '/app/dist/load-pod.mjs',
  chaosAgent: '/app/dist/chaos-agent.mjs',
  toxiproxy: '/app/dist/toxiproxy.mjs',
} as const;

export type ImageEntry = keyof typeof IMAGE_ENTRIES;

/** A container running one entry of the meshbench image, with the scenario's image settings. */
export function meshbenchContainer(scenario: Scenario, name: string, entry: ImageEntry, extraArgs: string[] = []): V1Container {
  const backend = kubernetesSettings(scenario);
  return { name, image: backend.image, imagePullPolicy: backend.imagePullPolicy, args: [IMAGE_ENTRIES[entry], ...extraArgs] };
}

/** The resources of a container of that kind of pod: the scenario's requests (never BestEffort). */
export function podResources(scenario: Scenario, kind: keyof PodRequests): V1ResourceRequirements {
  return { requests: { ...kubernetesSettings(scenario).requests[kind] } };
}

function kubernetesSettings(scenario: Scenario) {
  return scenario.backend.kind === 'kubernetes' ? scenario.backend : DEFAULT_KUBERNETES_BACKEND;
}
