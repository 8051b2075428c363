// Why: the one place the proxy talks to an endpoint: HTTP/1.1 over a keep-alive pool, the
// remaining deadline stamped on the request, and every way an upstream can fail turned into a
// classified 502/504 instead of an exception — "failed before sending" (safe to retry) is told
// apart from "reset after sending".
import http from 'node:http';
import type { Clock } from '../../../src/core/clock.ts';
import { proxyError, type ProxyErrorReason } from '../proxy-error.ts';
import type { ProxyResponse, Service } from '../service.ts';
import { DEADLINE_HEADER, remainingHeader } from '../timeout/deadline.ts';
import { forwardable } from './hop-headers.ts';
import { MAX_RESPONSE_BYTES } from '../../../src/scenario/limits.ts';

/** A TCP connect that takes longer than this is treated as unreachable (SYN lost/blackholed). */
export const CONNECT_TIMEOUT_MS = 1000;

export interface ClientOptions {
  agent: http.Agent;
  clock: Clock;
  propagateDeadline: boolean;
}

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
      if (req.body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method)) {
        headers['content-length'] = req.body.length;
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
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) return fail('response-too-large');
          chunks.push(chunk);
        });
        res.on('error', () => fail('upstream-reset'));
        res.on('aborted', () => fail('upstream-reset'));
        res.on('end', () => {
          finish({
            status: res.statusCode ?? 502,
            headers: forwardable(res.headers),
            body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
            proxyError: null,
          });
        });
      });
      upstream.end(req.body);
    });
}
