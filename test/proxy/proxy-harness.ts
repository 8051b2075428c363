// Why: integration tests of the proxy need real upstream servers on port 0, a proxy in front of
// them and a client — set up and torn down the same way in every file.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyConfig } from '../../proxy/src/config.ts';
import { defaultMeshConfig } from '../../proxy/src/default-mesh-config.ts';
import type { MeshConfig } from '../../src/scenario/types.ts';

export interface Upstream {
  address: string;
  server: http.Server;
  /** Requests that arrived. */
  hits: number;
  connections(): Promise<number>;
  close(): Promise<void>;
}

export async function startUpstream(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Upstream> {
  const server = http.createServer();
  const upstream: Upstream = {
    address: '',
    server,
    hits: 0,
    connections: () => new Promise((resolve) => server.getConnections((_e, n) => resolve(n))),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  server.on('request', (req, res) => {
    upstream.hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}

/** Answers `status` after `delayMs`. */
export function respondAfter(delayMs: number, status = 200): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (_req, res) => {
    const timer = setTimeout(() => res.writeHead(status).end('ok'), delayMs);
    res.on('close', () => clearTimeout(timer));
  };
}

/** Mesh settings for tests: any free ports, loopback, short limits, everything else default. */
export function testMesh(overrides: Partial<MeshConfig> = {}): MeshConfig {
  return { ...defaultMeshConfig(), port: 0, adminPort: 0, ...overrides };
}

export function proxyConfig(mesh: MeshConfig, destinations: Record<string, Array<Upstream | { address: string; labels?: Record<string, string> }>>): ProxyConfig {
  return {
    mesh,
    destinations: Object.fromEntries(
      Object.entries(destinations).map(([name, eps]) => [
        name,
        { endpoints: eps.map((e) => ({ address: e.address, labels: 'labels' in e && e.labels ? e.labels : {} })) },
      ]),
    ),
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function request(port: number, host: string, options: { path?: string; method?: string; headers?: http.OutgoingHttpHeaders } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: options.path ?? '/', method: options.method ?? 'GET', agent, headers: { ...options.headers, host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends `total` requests with `concurrency` in flight (closed loop). */
export async function drive(total: number, concurrency: number, send: (i: number) => Promise<Reply>): Promise<Reply[]> {
  const replies: Reply[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) replies.push(await send(next++));
    }),
  );
  return replies;
}

export function closeClientAgent(): void {
  agent.destroy();
}
