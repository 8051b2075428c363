// Why: the executor's only I/O — one HTTP/1.1 request per arrival over a keep-alive pool, spread
// round-robin over the targets. It turns every ending (response, socket error, client timeout)
// into an Outcome and resolves only once the request is fully closed, so the socket is back in
// the pool before the executor counts the slot as free and an arrival is never queued unseen.
import http from 'node:http';
import { badInput } from '../core/errors.ts';
import { PROXY_ERROR_HEADER } from '../../proxy/src/proxy-error.ts';
import type { LoadgenConfig } from './types.ts';
import type { Outcome, Sender } from './executor.ts';

export interface HttpSender {
  send: Sender;
  /** Closes the pooled sockets. */
  close(): void;
}

export function httpSender(config: LoadgenConfig): HttpSender {
  const { load } = config;
  if (config.targets.length === 0) {
    throw badInput('load.no-targets', 'the load generator got no targets', 'pass at least one base URL (http://127.0.0.1:port)');
  }
  const targets = config.targets.map(parseTarget);
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: load.maxInFlight,
    maxFreeSockets: load.maxInFlight,
    noDelay: true,
  });
  const headersByClass = new Map<string, Record<string, string>>();
  const headersFor = (cls: { name: string; headers: Record<string, string> } | null) => {
    const key = cls?.name ?? '';
    let headers = headersByClass.get(key);
    if (!headers) {
      headers = { ...(cls?.headers ?? {}) };
      if (config.hostHeader !== null) headers['host'] = config.hostHeader;
      headersByClass.set(key, headers);
    }
    return headers;
  };

  const send: Sender = (arrival) =>
    new Promise<Outcome>((resolve) => {
      const target = targets[arrival.index % targets.length]!;
      let outcome: Outcome | null = null;
      const req = http.request({
        agent,
        host: target.hostname,
        port: target.port,
        method: load.method,
        path: target.basePath + load.path,
        headers: headersFor(arrival.requestClass),
      });
      const timer = setTimeout(() => {
        outcome ??= { kind: 'timeout' };
        req.destroy();
      }, load.timeoutMs);
      req.on('response', (res) => {
        res.on('end', () => {
          const reason = res.headers[PROXY_ERROR_HEADER];
          outcome ??= { kind: 'response', status: res.statusCode ?? 0, proxyError: typeof reason === 'string' ? reason : null };
        });
        res.on('error', () => {});
        res.resume();
      });
      req.on('error', (err) => {
        outcome ??= { kind: 'error', message: err.message };
      });
      req.on('close', () => {
        clearTimeout(timer);
        resolve(outcome ?? { kind: 'error', message: 'connection closed before the response ended' });
      });
      req.end();
    });

  return { send, close: () => agent.destroy() };
}

function parseTarget(raw: string): { hostname: string; port: number; basePath: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput('load.bad-target', `load target '${raw}' is not a URL`, 'use a base URL such as http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:') {
    throw badInput('load.bad-target', `load target '${raw}' is not http://`, 'the load generator speaks plain HTTP/1.1');
  }
  return {
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 80),
    basePath: url.pathname.replace(/\/$/, ''),
  };
}
