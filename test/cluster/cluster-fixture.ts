// Kubernetes tests run against the real local cluster (`meshbench cluster up`), never a fake.
// With no cluster up they skip with the reason; in CI (MESHBENCH_REQUIRE_CLUSTER=1) a missing
// cluster is a failure, so a broken `cluster up` cannot turn the Kubernetes tests into skips.
import type { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { loadKubeConfig } from '../../src/cluster/kube-client.ts';
import { clusterState } from '../../src/cluster/local/local-cluster.ts';
import { localLayout } from '../../src/cluster/local/layout.ts';

export interface ClusterUnderTest {
  kc: KubeConfig;
  kubeconfigPath: string;
}

/** The cluster to test against, or the reason there is none (then the caller skips). */
export function clusterUnderTest(): ClusterUnderTest | string {
  const kubeconfigPath = process.env.MESHBENCH_KUBECONFIG ?? localLayout().kubeconfig;
  const state = clusterState();
  let reason: string | null = null;
  if (!process.env.MESHBENCH_KUBECONFIG && state.state !== 'up') reason = `the local cluster is ${state.state} (run \`meshbench cluster up\` first)`;
  else if (!existsSync(kubeconfigPath)) reason = `no kubeconfig at ${kubeconfigPath}`;
  if (reason !== null) {
    if (process.env.MESHBENCH_REQUIRE_CLUSTER === '1') throw new Error(`MESHBENCH_REQUIRE_CLUSTER=1 but ${reason}`);
    return reason;
  }
  return { kc: loadKubeConfig(kubeconfigPath), kubeconfigPath };
}
