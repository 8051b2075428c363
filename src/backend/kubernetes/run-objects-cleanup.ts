// Why: a run's cluster state is one namespace plus a few cluster-scoped RBAC objects, all
// labelled with the run id. Deleting them by label is the teardown, and `meshbench clean` does
// the same for a run that died — from the kubeconfig its ledger recorded.
import { existsSync } from 'node:fs';
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../cluster/kube-client.ts';
import { MANAGED_BY, MANAGED_BY_LABEL, RUN_LABEL } from './manifests/labels.ts';

const isNotFound = (err: unknown) => (err as { code?: number }).code === 404;

/** Deletes the run's namespaces and cluster-scoped objects; true when something was there.
 * With `wait`, resolves once the namespaces are gone (their pods terminated). */
export async function deleteRunObjects(kc: KubeConfig, runId: string, wait = false, timeoutMs = 120_000): Promise<boolean> {
  const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY},${RUN_LABEL}=${runId}`;
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const namespaces = (await core.listNamespace({ labelSelector: selector })).items.map((n) => n.metadata!.name!);
  let found = namespaces.length > 0;
  for (const name of namespaces) await core.deleteNamespace({ name, propagationPolicy: 'Foreground' }).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const roleBindings = (await rbac.listClusterRoleBinding({ labelSelector: selector })).items;
  for (const b of roleBindings) await rbac.deleteClusterRoleBinding({ name: b.metadata!.name! }).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const roles = (await rbac.listClusterRole({ labelSelector: selector })).items;
  for (const r of roles) await rbac.deleteClusterRole({ name: r.metadata!.name! }).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
  found ||= roleBindings.length + roles.length > 0;
  if (wait) {
    const deadline = Date.now() + timeoutMs;
    while ((await core.listNamespace({ labelSelector: selector })).items.length > 0) {
      if (Date.now() > deadline) throw new Error(`namespace(s) ${namespaces.join(', ')} still terminating after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return found;
}

/** From a ledger entry: a kubeconfig that no longer exists (the local cluster was taken down
 * with everything in it) means there is nothing left to delete. */
export async function deleteRunObjectsFrom(kubeconfig: string, context: string | null, runId: string): Promise<boolean> {
  if (!existsSync(kubeconfig)) return false;
  return deleteRunObjects(loadKubeConfig(kubeconfig, context ?? undefined), runId);
}
