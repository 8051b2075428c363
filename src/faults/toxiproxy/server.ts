// Why: meshbench's bundled stand-in for toxiproxy-server, used when the scenario names no real
// one: the same HTTP API (driven by the same toxiproxy-node-client) over TCP proxies whose
// toxics follow Toxiproxy's semantics. It listens and proxies on loopback only by default.
import http from 'node:http';
import { once } from 'node:events';
import { realClock, type Clock } from '../../core/clock.ts';
import { environmentError } from '../../core/errors.ts';
import { badRequest } from './api-error.ts';
import { apiRoutes, browserRefused, errorResponse, handleApi, type ApiResponse } from './api.ts';
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

  const respond = (res: http.ServerResponse, { status, body, raw }: ApiResponse) => {
    if (raw !== undefined) {
      res.writeHead(status, raw.contentType === null ? {} : { 'content-type': raw.contentType }).end(raw.text);
    } else if (body === undefined) {
      res.writeHead(status).end();
    } else {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
  };

  const server = http.createServer((req, res) => {
    if (req.headers['user-agent']?.startsWith('Mozilla/')) return respond(res, browserRefused);
    const { pathname } = new URL(req.url ?? '/', 'http://toxiproxy');
    handleApi(routes, req.method ?? 'GET', pathname, () => readJson(req)).then(
      (response) => respond(res, response),
      (err: unknown) => respond(res, errorResponse(err)),
    );
  });
  server.listen(opts.port ?? 0, host);
  try {
    await once(server, 'listening');
  } catch (err) {
    await registry.closeAll();
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'].includes(code)) throw err;
    throw environmentError('E_TOXIPROXY_BIND', `the bundled toxiproxy server cannot listen on ${host}:${opts.port ?? 0} (${code})`, 'Stop whatever uses that port, or pick another with --port (0 = any free port).');
  }
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
