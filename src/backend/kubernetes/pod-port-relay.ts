// Why: some clients only take a base URL — toxiproxy-node-client drives a Toxiproxy by its HTTP
// API — but a pod is reachable from the runner only through the API server's pod proxy, which
// needs the kubeconfig's credentials. A relay on the runner's loopback forwards each request,
// as it is, to one port of one pod through that proxy, so such a client works unchanged.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeForward, podProxyPath } from './kube-http.ts';

export interface PodPortRelay {
  /** http://127.0.0.1:<port>: requests to it reach the pod's port. */
  url: string;
  close(): Promise<void>;
}

export async function startPodPortRelay(kc: KubeConfig, namespace: string, pod: string, port: number): Promise<PodPortRelay> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
      kubeForward(kc, req.method ?? 'GET', podProxyPath(namespace, pod, port, req.url ?? '/'), body, req.headers['content-type'] ?? 'application/json').then(
        (r) => {
          res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/json' });
          res.end(r.body);
        },
        (err: Error) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`relay to pod ${pod}:${port}: ${err.message}`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The client keeps its connections alive; they must not hold the runner open.
        server.closeAllConnections();
      }),
  };
}
