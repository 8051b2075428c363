// Why: in a cluster the open-loop load comes from `load.generators` pods of one Indexed Job,
// each offering an equal share of the rate from inside the cluster, where the arm's callers
// are: the entry Service directly, or the node's (or the pod's own) proxy when meshed. Each pod
// learns its share from its config and its index from JOB_COMPLETION_INDEX.
import type { V1Job } from '@kubernetes/client-node';
import type { LoadgenConfig } from '../../../load/types.ts';
import type { ArmName, LoadSpec, Scenario } from '../../../scenario/types.ts';
import { hostIpEnv, proxyAddress, serviceAddress, throughBundledProxy } from './downstreams.ts';
import { meshbenchContainer, podResources } from './image.ts';
import { componentLabels, namespaceOf } from './labels.ts';
import { PROXY_NAME, proxyConfigVolume, proxySidecar } from './mesh-proxy.ts';

export const LOAD_CONFIG_ENV = 'MESHBENCH_LOAD_CONFIG';
/** Where a generator pod serves its event stream (GET /events) and takes POST /start, /exit. */
export const LOAD_EVENTS_PORT = 9996;

/** Where a load-generator pod sends, and the Host header it sends (the proxy routes by it). */
export function loadTargets(scenario: Scenario, arm: ArmName): { targets: string[]; hostHeader: string | null } {
  const entry = scenario.topology.services.find((s) => s.name === scenario.topology.entry)!;
  return throughBundledProxy(scenario, arm)
    ? { targets: [`http://${proxyAddress(scenario)}`], hostHeader: entry.name }
    : { targets: [`http://${serviceAddress(entry)}`], hostHeader: null };
}

/** One generator's share: rates and the in-flight cap divided by `load.generators`. */
export function generatorShare(load: LoadSpec): LoadSpec {
  const n = load.generators;
  return {
    ...load,
    rate: load.rate / n,
    ramp: load.ramp ? { ...load.ramp, fromRate: load.ramp.fromRate / n } : null,
    maxInFlight: Math.ceil(load.maxInFlight / n),
  };
}

/** The Job for one phase; `config` is what the runner would give one local generator. */
export function loadJob(scenario: Scenario, arm: ArmName, runId: string, name: string, config: LoadgenConfig): V1Job {
  const generators = config.load.generators;
  const viaProxy = throughBundledProxy(scenario, arm);
  const sidecar = viaProxy && scenario.meshDeployment.deploy === 'sidecar';
  const labels = componentLabels(runId, 'load-generator', arm);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: namespaceOf(scenario, runId), labels },
    spec: {
      completionMode: 'Indexed',
      completions: generators,
      parallelism: generators,
      // A generator that fails is a failed phase, never a silently re-run one.
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          enableServiceLinks: false,
          ...(sidecar ? { serviceAccountName: PROXY_NAME, initContainers: [proxySidecar(scenario)], volumes: [proxyConfigVolume] } : {}),
          containers: [
            {
              ...meshbenchContainer(scenario, 'load-generator', 'loadPod'),
              resources: podResources(scenario, 'load'),
              env: [...(viaProxy && !sidecar ? [hostIpEnv()] : []), { name: LOAD_CONFIG_ENV, value: JSON.stringify({ ...config, load: generatorShare(config.load) }) }],
              ports: [{ name: 'events', containerPort: LOAD_EVENTS_PORT, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/ready', port: 'events' }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}
