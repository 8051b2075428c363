// Why: the edge where hostile input arrives. The server bounds header size, time to send the
// headers (slowloris), the whole request, idle keep-alive connections and the body size; answers
// malformed bytes with 400 and closes; aborts upstream work when the client goes away; and turns
// any bug in a layer into a 500 for that request rather than a dead proxy.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { MeshConfig } from '../../../src/scenario/types.ts';
import { proxyError } from '../proxy-error.ts';
import type { ProxyResponse, Service } from '../service.ts';
import { CLIENT_GONE } from '../timeout/abort-reasons.ts';
import type { ProxyMetrics } from '../telemetry/proxy-metrics.ts';

export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export function createRouterServer(service: Service, limits: MeshConfig['limits'], metrics: ProxyMetrics): http.Server {
  const server = http.createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: limits.headerTimeoutMs + limits.idleTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.headerTimeoutMs / 4)),
    noDelay: true,
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => handle(req, res, service, metrics));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    metrics.rejectedConnections++;
    if (socket.writable && !socket.destroyed) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  return server;
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, service: Service, metrics: ProxyMetrics): void {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(CLIENT_GONE);
  });
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REQUEST_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('error', () => controller.abort(CLIENT_GONE));
  req.on('end', () => {
    if (tooLarge) return respond(res, proxyError('request-too-large'), metrics);
    service({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
      deadlineAt: null,
      signal: controller.signal,
    }).then(
      (out) => respond(res, out, metrics),
      (err: unknown) => {
        process.stderr.write(`meshbench proxy: bug while serving ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}\n`);
        respond(res, proxyError('internal-error'), metrics);
      },
    );
  });
}

function respond(res: http.ServerResponse, out: ProxyResponse, metrics: ProxyMetrics): void {
  if (out.proxyError) metrics.proxyErrorCount(out.proxyError);
  if (res.destroyed || res.headersSent) return;
  res.writeHead(out.status, { ...out.headers, 'content-length': out.body.length });
  res.end(out.body);
}
