// Why: every conversation with a cluster goes through @kubernetes/client-node; this module
// holds the few reads `cluster` needs — load a kubeconfig, describe the nodes, and wait for
// nodes to become Ready by watching them (an informer, not a polling loop).
import { CoreV1Api, KubeConfig, makeInformer, type V1Node } from '@kubernetes/client-node';

export interface NodeSummary {
  name: string;
  zone: string | null;
  ready: boolean;
  kubeletVersion: string;
  internalIp: string | null;
  capacity: { cpu: string; memory: string; pods: string };
}

export function loadKubeConfig(file: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  if (context) kc.setCurrentContext(context);
  return kc;
}

export function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function summarizeNode(node: V1Node): NodeSummary {
  const cap = node.status?.capacity ?? {};
  return {
    name: node.metadata?.name ?? '?',
    zone: node.metadata?.labels?.['topology.kubernetes.io/zone'] ?? null,
    ready: isReady(node),
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? '?',
    internalIp: node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? null,
    capacity: { cpu: cap.cpu ?? '?', memory: cap.memory ?? '?', pods: cap.pods ?? '?' },
  };
}

export async function listNodes(kc: KubeConfig): Promise<NodeSummary[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNode();
  return list.items.map(summarizeNode).sort((a, b) => a.name.localeCompare(b.name));
}

/** Resolves with the nodes once every name in `names` is Ready; rejects after `timeoutMs` naming
 * the nodes that were not. */
export async function waitForNodesReady(kc: KubeConfig, names: string[], timeoutMs: number): Promise<NodeSummary[]> {
  const api = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Node>(kc, '/api/v1/nodes', () => api.listNode());
  try {
    return await new Promise<NodeSummary[]>((resolve, reject) => {
      const check = () => {
        const nodes = informer.list().map(summarizeNode);
        if (names.every((n) => nodes.some((s) => s.name === n && s.ready))) resolve(nodes.sort((a, b) => a.name.localeCompare(b.name)));
      };
      const timer = setTimeout(() => {
        const nodes = informer.list().map(summarizeNode);
        const missing = names.filter((n) => !nodes.some((s) => s.name === n && s.ready));
        reject(new Error(`nodes not Ready after ${Math.round(timeoutMs / 1000)} s: ${missing.join(', ')}`));
      }, timeoutMs);
      timer.unref();
      for (const verb of ['add', 'update'] as const) informer.on(verb, check);
      informer.on('error', () => {
        // The API server dropped the watch; restart it (the informer re-lists first).
        setTimeout(() => void informer.start().catch(() => undefined), 500).unref();
      });
      informer.start().then(check, reject);
    });
  } finally {
    await informer.stop();
  }
}
