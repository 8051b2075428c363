// Why: in the direct arm a caller behaves like a naive application: a per-attempt timeout, a
// fixed number of retries, optional fixed backoff, no budget. That is exactly the behaviour
// that turns a slow dependency into a retry storm, so it is reproduced here on purpose. Each
// finished call reports how many attempts it took, so amplification on the edge is counted at
// the caller — attempts ÷ calls, bounded by 1 + retries — not guessed from the callee's side.
import http from 'node:http';
import { DEADLINE_HEADER, PROXY_ERROR_HEADER, type DownstreamConfig } from './protocol.ts';

export interface CallOutcome {
  ok: boolean;
  status: number;
  /** The last attempt timed out (as opposed to failing). */
  timedOut: boolean;
  attempts: number;
  /** The x-meshbench-proxy-error reason of the last attempt, when a mesh proxy answered itself. */
  proxyError: string | null;
}

/** What the client reports: every attempt as it starts, every call when it has finished. */
export interface CallEvents {
  attempt(): void;
  finished(attempts: number): void;
}

export interface AppClient {
  call(path: string, headers: http.OutgoingHttpHeaders, deadline: number | null): Promise<CallOutcome>;
  close(): void;
}

export function createAppClient(config: DownstreamConfig, events: CallEvents): AppClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  let next = 0;

  const attempt = (path: string, headers: http.OutgoingHttpHeaders): Promise<CallOutcome> =>
    new Promise((resolve) => {
      const target = config.targets[next++ % config.targets.length]!;
      const [host, port] = splitAddress(target);
      events.attempt();
      const req = http.request({ host, port, path, method: 'GET', agent, headers: { ...headers, host: config.hostHeader } });
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: Omit<CallOutcome, 'attempts'>) => {
        if (timer) clearTimeout(timer);
        resolve({ ...outcome, attempts: 1 });
      };
      if (config.retry.timeoutMs !== null) {
        timer = setTimeout(() => {
          req.destroy();
          finish({ ok: false, status: 0, timedOut: true, proxyError: null });
        }, config.retry.timeoutMs);
      }
      req.on('response', (res) => {
        res.resume();
        const reason = res.headers[PROXY_ERROR_HEADER];
        const proxyError = typeof reason === 'string' ? reason : null;
        res.on('end', () => finish({ ok: res.statusCode! < 300, status: res.statusCode!, timedOut: false, proxyError }));
        res.on('error', () => finish({ ok: false, status: 0, timedOut: false, proxyError: null }));
      });
      req.on('error', () => finish({ ok: false, status: 0, timedOut: false, proxyError: null }));
      req.end();
    });

  return {
    async call(path, headers, deadline) {
      let attempts = 0;
      for (;;) {
        const sendHeaders =
          deadline === null ? headers : { ...headers, [DEADLINE_HEADER]: Math.max(0, deadline - performance.now()).toFixed(1) };
        const outcome = await attempt(path, sendHeaders);
        attempts++;
        if (outcome.ok || attempts > config.retry.retries) {
          events.finished(attempts);
          return { ...outcome, attempts };
        }
        if (config.retry.backoffMs > 0) await new Promise((r) => setTimeout(r, config.retry.backoffMs));
      }
    },
    close() {
      agent.destroy();
    },
  };
}

export function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), Number(address.slice(i + 1))];
}
