// Why: which cluster a run goes to must be explicit and recorded: the scenario's (or the
// flag's) kubeconfig and context; else the local cluster's kubeconfig while it is up; else the
// usual lookup ($KUBECONFIG, ~/.kube/config). The path is ledgered so `clean` finds the cluster.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { environmentError } from '../../core/errors.ts';
import { clusterState } from '../../cluster/local/local-cluster.ts';
import { localLayout } from '../../cluster/local/layout.ts';
import type { KubernetesBackendSpec } from '../../scenario/types.ts';

export interface ResolvedCluster {
  kc: KubeConfig;
  kubeconfig: string;
  context: string | null;
}

export function resolveCluster(spec: KubernetesBackendSpec): ResolvedCluster {
  const fromEnv = process.env.KUBECONFIG?.split(':')[0];
  const file =
    spec.kubeconfig ??
    (clusterState().state === 'up' ? localLayout().kubeconfig : null) ??
    (fromEnv && fromEnv !== '' ? fromEnv : path.join(os.homedir(), '.kube', 'config'));
  if (!existsSync(file)) {
    throw environmentError('E_KUBE_CONFIG', `no kubeconfig at ${file}`, 'Bring a cluster up (`meshbench cluster up`), or pass --kubeconfig FILE (and --context NAME).');
  }
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  if (spec.context) {
    if (!kc.getContexts().some((c) => c.name === spec.context)) {
      throw environmentError('E_KUBE_CONFIG', `${file} has no context "${spec.context}"`, `Use one of: ${kc.getContexts().map((c) => c.name).join(', ') || '(none)'}.`);
    }
    kc.setCurrentContext(spec.context);
  }
  return { kc, kubeconfig: file, context: spec.context };
}
