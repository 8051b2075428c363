// Why: meshbench's bundled stand-in for toxiproxy-server, used when the scenario names no real
// one: the same HTTP API (driven by the same toxiproxy-node-client) over TCP proxies whose
// toxics follow Toxiproxy's semantics. It listens and proxies on loopback only by default.
import http from 'node:http';
import { once } from 'node:events';
import { realClock, type Clock } from '../../core/clock.ts';
import { ApiError, badRequest } from './api-error.ts';
import { apiRoutes, handleApi, type ApiResponse } from './api.ts';
import { ProxyRegistry } from './proxy-registry.ts';

const MAX_BODY_BYTES = 1024 * 1024;

export interface ToxiproxyServerOptions {
  /** API address (default 127.0.0.1). */
  host?: string;
  /** API port (default 0 = any free port). */
  port?: number;
  /** Seed for jitter, slicing and toxicity draws (default 1). */
  seed?: number;
  /** Allow proxies to listen on or forward to non-loopback addresses (default false). */
  allowNonLoopback?: boolean;
  clock?: Clock;
}

export interface RunningToxiproxyServer {
  url: string;
  port: number;
  /** Stops the API and every proxy, dropping open connections. */
  close(): Promise<void>;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw badRequest(`larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(err instanceof Error ? err.message : String(err));
  }
}

export async function startToxiproxyServer(opts: ToxiproxyServerOptions = {}): Promise<RunningToxiproxyServer> {
  const host = opts.host ?? '127.0.0.1';
  const registry = new ProxyRegistry({
    seed: opts.seed ?? 1,
    clock: opts.clock ?? realClock,
    allowNonLoopback: opts.allowNonLoopback ?? false,
  });
  const routes = apiRoutes(registry);

  const respond = (res: http.ServerResponse, { status, body }: ApiResponse) => {
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
  };

  const server = http.createServer((req, res) => {
    // As toxiproxy-server: a web page must not be able to drive the API through a browser.
    if (req.headers['user-agent']?.startsWith('Mozilla/')) {
      respond(res, { status: 403, body: { error: 'User agent not allowed', status: 403 } });
      return;
    }
    const { pathname } = new URL(req.url ?? '/', 'http://toxiproxy');
    handleApi(routes, req.method ?? 'GET', pathname, () => readJson(req)).then(
      (response) => respond(res, response),
      (err: unknown) => {
        const status = err instanceof ApiError ? err.status : 500;
        const error = err instanceof Error ? err.message : String(err);
        respond(res, { status, body: { error, status } });
      },
    );
  });
  server.listen(opts.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await registry.closeAll();
      await closed;
    },
  };
}
