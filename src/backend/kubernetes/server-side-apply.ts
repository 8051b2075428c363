// Why: the backend applies its manifests with server-side apply (field manager `meshbench`), so
// re-applying an arm's desired state updates exactly the fields meshbench owns and drops those
// it no longer sets (the injection annotation of the direct arm, say). The object is sent as
// written: client-node's KubernetesObjectApi serializes through its model classes, which
// silently drop any field they do not know — a misspelt field would vanish instead of being
// refused. Sent verbatim, the API server rejects it ("field not declared in schema").
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { environmentError, InternalError } from '../../core/errors.ts';

export const FIELD_MANAGER = 'meshbench';

/** Resource names of the kinds meshbench creates, by apiVersion/kind. */
const RESOURCES: Record<string, string> = {
  'v1/Namespace': 'namespaces',
  'v1/ServiceAccount': 'serviceaccounts',
  'v1/ConfigMap': 'configmaps',
  'v1/Secret': 'secrets',
  'v1/Service': 'services',
  'apps/v1/Deployment': 'deployments',
  'apps/v1/DaemonSet': 'daemonsets',
  'batch/v1/Job': 'jobs',
  'rbac.authorization.k8s.io/v1/Role': 'roles',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'rolebindings',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'clusterroles',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'clusterrolebindings',
  'coordination.k8s.io/v1/Lease': 'leases',
};

/** The object's URL path: /api/v1/… for the core group, /apis/<group>/<version>/… otherwise. */
export function objectPath(object: KubernetesObject): string {
  const resource = RESOURCES[`${object.apiVersion}/${object.kind}`];
  const name = object.metadata?.name;
  if (!resource || !name) throw new InternalError(`cannot apply ${object.apiVersion}/${object.kind} "${name ?? ''}": unknown kind or no name`);
  const group = object.apiVersion!.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const namespace = object.metadata!.namespace ? `/namespaces/${object.metadata!.namespace}` : '';
  return `${group}${namespace}/${resource}/${name}`;
}

export interface ApplyOptions {
  /** Validate and default on the server without persisting anything. */
  dryRun?: boolean;
}

/** Server-side apply of one object as written; resolves with the object the server returned. */
export async function serverSideApply(kc: KubeConfig, object: KubernetesObject, opts: ApplyOptions = {}): Promise<KubernetesObject> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw environmentError('E_KUBE_CONFIG', 'the kubeconfig has no current cluster', 'Pass --kubeconfig and --context naming a cluster.');
  const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: 'true', fieldValidation: 'Strict', ...(opts.dryRun ? { dryRun: 'All' } : {}) });
  const url = new URL(`${server.replace(/\/$/, '')}${objectPath(object)}?${query}`);
  const request: https.RequestOptions = { method: 'PATCH', headers: { 'content-type': 'application/apply-patch+yaml', accept: 'application/json' } };
  await kc.applyToHTTPSOptions(request);
  const what = `${object.kind}/${object.metadata?.name}`;
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, request, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (err) => reject(environmentError('E_KUBE_UNREACHABLE', `applying ${what}: ${server} is not reachable (${err.message})`, 'Is the cluster up (`meshbench cluster status`)? Check --kubeconfig and --context.')));
    req.end(JSON.stringify(object));
  });
  if (status >= 200 && status < 300) return JSON.parse(body) as KubernetesObject;
  let message = body;
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    // not a Status object: keep the raw body
  }
  throw environmentError('E_KUBE_APPLY', `the API server refused ${what} (HTTP ${status}): ${message}`, status === 403 ? 'The kubeconfig\'s user lacks the RBAC permission named above.' : 'If the message names a field meshbench generated, this is a bug in meshbench: please report it.');
}
