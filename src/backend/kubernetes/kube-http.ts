// Why: the runner talks to pods it cannot reach directly (a real cluster's pod IPs are not
// routable from a laptop): through the API server's pod proxy, authenticated by the kubeconfig.
// One small request helper serves that, plain API calls client-node has no typed method for,
// and NDJSON streams (the load generators' events) read as they arrive.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { environmentError } from '../../core/errors.ts';

export interface KubeResponse {
  status: number;
  body: string;
}

/** The API path that proxies to `port` of a pod: GET it as if talking to the pod. */
export function podProxyPath(namespace: string, pod: string, port: number, path: string): string {
  return `/api/v1/namespaces/${namespace}/pods/${pod}:${port}/proxy${path.startsWith('/') ? path : `/${path}`}`;
}

async function open(kc: KubeConfig, method: string, apiPath: string, body: string | undefined, contentType: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<http.IncomingMessage> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw environmentError('E_KUBE_CONFIG', 'the kubeconfig has no current cluster', 'Pass --kubeconfig and --context naming a cluster.');
  const url = new URL(`${server.replace(/\/$/, '')}${apiPath}`);
  const options: https.RequestOptions = { method, headers: { ...headers, 'content-type': contentType, accept: 'application/json, */*' }, timeout: timeoutMs };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, options, resolve);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(environmentError('E_KUBE_UNREACHABLE', `${method} ${apiPath}: ${err.message}`, 'Is the cluster up (`meshbench cluster status`)? Check --kubeconfig and --context.')));
    req.end(body);
  });
}

export async function kubeRequest(kc: KubeConfig, method: string, apiPath: string, body?: unknown, timeoutMs = 10_000, headers: Record<string, string> = {}): Promise<KubeResponse> {
  const res = await open(kc, method, apiPath, body === undefined ? undefined : JSON.stringify(body), 'application/json', timeoutMs, headers);
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  return { status: res.statusCode ?? 0, body: text };
}

/** Sends a body as given (not JSON-encoded) and returns the answer with its content type. */
export async function kubeForward(kc: KubeConfig, method: string, apiPath: string, body: string | undefined, contentType: string, timeoutMs = 10_000): Promise<KubeResponse & { contentType: string | null }> {
  const res = await open(kc, method, apiPath, body, contentType, timeoutMs);
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  return { status: res.statusCode ?? 0, body: text, contentType: res.headers['content-type'] ?? null };
}

/** Reads an NDJSON stream, calling `onLine` with each parsed line; resolves when it ends. */
export async function kubeStreamLines(kc: KubeConfig, apiPath: string, onLine: (line: unknown) => void, timeoutMs = 600_000): Promise<number> {
  const res = await open(kc, 'GET', apiPath, undefined, 'application/json', timeoutMs);
  if ((res.statusCode ?? 0) >= 300) {
    let text = '';
    for await (const chunk of res) text += chunk;
    return Promise.reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
  }
  res.setEncoding('utf8');
  let pending = '';
  for await (const chunk of res) {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) onLine(JSON.parse(line));
    }
  }
  return res.statusCode ?? 0;
}
