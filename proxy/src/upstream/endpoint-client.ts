// Why: the one place the proxy talks to an endpoint: HTTP/1.1 over a keep-alive pool, the
// remaining deadline stamped on the request, and every way an upstream can fail turned into a
// classified 502/504 instead of an exception — "failed before sending" (safe to retry) is told
// apart from "reset after sending". The response is handed on at its headers and its body streams
// after (the router copies it to the client); a request body streams to the endpoint the same way.
import http from 'node:http';
import type { Clock } from '../../../src/core/clock.ts';
import { proxyError, type ProxyErrorReason } from '../proxy-error.ts';
import type { ProxyResponse, Service } from '../service.ts';
import { DEADLINE_HEADER, remainingHeader } from '../timeout/deadline.ts';
import { forwardable } from './hop-headers.ts';

/** A TCP connect that takes longer than this is treated as unreachable (SYN lost/blackholed). */
export const CONNECT_TIMEOUT_MS = 1000;

export interface ClientOptions {
  agent: http.Agent;
  clock: Clock;
  propagateDeadline: boolean;
}

/** Methods whose empty body is sent without a content-length (any other method announces 0). */
const BODILESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export function endpointClient(address: string, options: ClientOptions): Service {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));

  return (req) =>
    new Promise<ProxyResponse>((resolve) => {
      if (req.signal.aborted) return resolve(proxyError('deadline-exceeded'));
      const headers = forwardable(req.headers, DEADLINE_HEADER);
      if (options.propagateDeadline && req.deadlineAt !== null) {
        headers[DEADLINE_HEADER] = remainingHeader(req.deadlineAt, options.clock.now());
      }
      const { body } = req;
      if (!Buffer.isBuffer(body)) {
        // Streamed: the client's announced length, or chunked when it announced none.
        if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
      } else if (body.length > 0 || !BODILESS.has(req.method)) {
        headers['content-length'] = body.length;
      }

      let settled = false;
      let connected = false;
      let connectTimer: NodeJS.Timeout | undefined;
      const upstream = http.request({ host, port, method: req.method, path: req.path, headers, agent: options.agent });

      const finish = (res: ProxyResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        req.signal.removeEventListener('abort', onAbort);
        resolve(res);
      };
      const fail = (reason: ProxyErrorReason) => {
        upstream.destroy();
        finish(proxyError(reason));
      };
      const onAbort = () => fail('deadline-exceeded');
      req.signal.addEventListener('abort', onAbort, { once: true });

      upstream.on('socket', (socket) => {
        if (!socket.connecting) {
          connected = true;
          return;
        }
        connectTimer = setTimeout(() => fail('upstream-unreachable'), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => {
          connected = true;
          clearTimeout(connectTimer);
        });
      });
      upstream.on('error', () => fail(connected ? 'upstream-reset' : 'upstream-unreachable'));
      upstream.on('response', (res) => {
        // This listener stays for the body's life: an upstream that breaks mid-body must not
        // crash the proxy before the router has started copying it.
        res.on('error', () => fail('upstream-reset'));
        const out = forwardable(res.headers);
        if (res.headers['content-length'] !== undefined) out['content-length'] = res.headers['content-length'];
        finish({ status: res.statusCode ?? 502, headers: out, body: res, proxyError: null });
      });
      if (Buffer.isBuffer(body)) upstream.end(body);
      else body.pipe(upstream);
    });
}
