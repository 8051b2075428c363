// Why: the edge where hostile input arrives. The server bounds header size, time to send the
// headers (slowloris), the whole request, idle keep-alive connections, the body size, requests in
// flight per connection (pipelining) and per client; reads the request line as RFC 9112 says
// (request-target.ts); answers malformed bytes with 400 and closes; aborts upstream work when the
// client goes away; and turns any bug in a layer into a 500 for that request, not a dead proxy.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { MeshConfig } from '../../../src/scenario/types.ts';
import { ConnectionLimits } from '../admission/connection-limits.ts';
import { proxyError } from '../proxy-error.ts';
import { requestBody } from './request-body.ts';
import { requestTarget } from './request-target.ts';
import type { ProxyResponse, Service } from '../service.ts';
import { CLIENT_GONE } from '../timeout/abort-reasons.ts';
import type { ProxyMetrics } from '../telemetry/proxy-metrics.ts';

export function createRouterServer(
  service: Service,
  limits: MeshConfig['limits'],
  metrics: ProxyMetrics,
  inFlight: ConnectionLimits<Socket> = new ConnectionLimits(),
): http.Server {
  const server = http.createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: limits.headerTimeoutMs + limits.idleTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.headerTimeoutMs / 4)),
    noDelay: true,
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => admit(req, res, service, metrics, inFlight));
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

/** The edge checks, in order: RFC 9112 request line and Host, then the in-flight bounds. */
function admit(req: http.IncomingMessage, res: http.ServerResponse, service: Service, metrics: ProxyMetrics, inFlight: ConnectionLimits<Socket>): void {
  const target = requestTarget({ httpVersionMajor: req.httpVersionMajor, httpVersionMinor: req.httpVersionMinor, url: req.url ?? '/', rawHeaders: req.rawHeaders });
  if (target.kind === 'close') {
    metrics.rejectedConnections++;
    req.socket.destroy();
    return;
  }
  if (target.kind === 'bad-request') {
    res.shouldKeepAlive = false;
    return respond(res, proxyError('bad-request'), metrics);
  }
  const client = req.socket.remoteAddress ?? 'unknown';
  const admitted = inFlight.enter(req.socket, client);
  if (admitted !== 'ok') {
    // A pipelining client is told to stop: this answer closes its connection.
    if (admitted === 'pipeline-limit') res.shouldKeepAlive = false;
    req.resume();
    return respond(res, proxyError(admitted), metrics);
  }
  res.once('close', () => inFlight.leave(req.socket, client));
  req.headers.host = target.host;
  req.url = target.path;
  handle(req, res, service, metrics);
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, service: Service, metrics: ProxyMetrics): void {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(CLIENT_GONE);
  });
  req.on('error', () => controller.abort(CLIENT_GONE));
  requestBody(req, (body) => {
    service({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, deadlineAt: null, signal: controller.signal }).then(
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
  const { body } = out;
  if (Buffer.isBuffer(body)) {
    if (res.destroyed || res.headersSent) return;
    out.headers['content-length'] = body.length;
    res.writeHead(out.status, out.headers);
    res.end(body);
    return;
  }
  if (res.destroyed || res.headersSent) {
    body.destroy();
    return;
  }
  res.writeHead(out.status, out.headers);
  streamTo(body, res);
}

/** Copies an upstream body to the client at the client's pace; either side breaking ends the other. */
function streamTo(body: Readable, res: http.ServerResponse): void {
  body.on('data', (chunk: Buffer) => {
    if (res.write(chunk)) return;
    body.pause();
    res.once('drain', () => body.resume());
  });
  body.on('end', () => res.end());
  // A body cut short must not look complete to the client: its connection is reset.
  body.on('error', () => res.destroy());
  res.on('close', () => {
    if (!body.readableEnded) body.destroy();
  });
}
