// Why: a synthetic service behaves like a typical microservice replica: it calls its
// downstream services (with the app's own retry policy in the direct arm), then does its
// "database" work through a bounded pool. It honours a propagated deadline by dropping work
// nobody waits for before it touches the database — the behaviour that lets a meshed system
// recover after a storm. Its counters let the runner measure retry amplification.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveSeed, seededRng } from '../core/rng.ts';
import { createAppClient, type AppClient } from './app-client.ts';
import { DbPool } from './db-pool.ts';
import { DEADLINE_HEADER, PROXY_ERROR_HEADER, type ServiceConfig, type ServiceCounters } from './protocol.ts';
import { contentionDelayMs, serviceTimeSampler } from './service-time.ts';

export interface RunningService {
  port: number;
  counters(): ServiceCounters;
  lockDb(ms: number): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Context headers a service passes on to its downstream calls (request class, tracing). */
function propagatedHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-') && name !== DEADLINE_HEADER) out[name] = value;
  }
  return out;
}

export async function startSyntheticService(config: ServiceConfig): Promise<RunningService> {
  const rng = seededRng(deriveSeed(config.seed, `${config.name}#${config.replica}`));
  const sampleMs = serviceTimeSampler(config.serviceTime, rng);
  const pool = new DbPool(config.pool, sleep);
  const coordinationMs = contentionDelayMs(config.contention, config.replicas);
  const body = Buffer.alloc(config.responseBytes, 'x');
  const counters = { arrivals: 0, completed: 0, expired: 0, failed: 0, inFlight: 0, downstreamAttempts: 0 };
  const calls: ServiceCounters['calls'] = {};
  const clients: AppClient[] = config.calls.map((call) => {
    const edge = (calls[call.service] ??= { requests: 0, attempts: 0 });
    return createAppClient(call, {
      attempt: () => counters.downstreamAttempts++,
      finished: (attempts) => {
        edge.requests++;
        edge.attempts += attempts;
      },
    });
  });

  const respond = (res: http.ServerResponse, status: number, payload: Buffer | string, proxyError: string | null = null) => {
    counters.inFlight--;
    if (res.destroyed) return;
    res.writeHead(status, {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(payload),
      // The proxy's refusal of our call is why we fail: say so, so the client can count it by reason.
      ...(proxyError ? { [PROXY_ERROR_HEADER]: proxyError } : {}),
    });
    res.end(payload);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    counters.arrivals++;
    counters.inFlight++;
    req.resume();
    const remaining = Number(req.headers[DEADLINE_HEADER]);
    const deadline = Number.isFinite(remaining) && req.headers[DEADLINE_HEADER] !== undefined ? performance.now() + remaining : null;
    const expired = () => deadline !== null && performance.now() >= deadline;

    const forward = propagatedHeaders(req);
    for (const client of clients) {
      const outcome = await client.call(req.url ?? '/', forward, deadline);
      if (!outcome.ok) {
        counters.failed++;
        return respond(res, outcome.timedOut ? 504 : 502, `downstream failed after ${outcome.attempts} attempt(s)\n`, outcome.proxyError);
      }
    }
    if (expired()) {
      counters.expired++;
      return respond(res, 504, 'deadline exceeded before the database call\n');
    }
    const release = await pool.acquire();
    if (expired()) {
      release();
      counters.expired++;
      return respond(res, 504, 'deadline exceeded while waiting for a database connection\n');
    }
    await pool.query(sampleMs() + coordinationMs, release);
    counters.completed++;
    respond(res, 200, body);
  };

  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => respond(res, 500, `${String(err)}\n`));
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    counters: () => {
      const pc = pool.counters();
      return { ...counters, queueDepth: pc.queueDepth, poolInUse: pc.inUse, calls: structuredClone(calls) };
    },
    lockDb: (ms) => pool.lock(ms),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
