// Why: the chaos agent's API. The runner (through the API server's pod proxy) asks for a fault
// on a pod of this node, renews its lease while the fault should last and deletes it at the
// end; if the runner dies, the lease runs out and the agent lifts the fault by itself. Requests
// must carry the agent's token: the agent changes other pods' kernels.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { LeaseBook } from './lease-book.ts';
import type { AgentFaultRequest, AppliedFault } from './pod-faults.ts';

export interface AgentOptions {
  token: string;
  clock: Clock;
  /** Applies a fault (injected: tests use real mechanisms or their own). */
  apply(id: string, req: AgentFaultRequest): Promise<AppliedFault>;
  /** How often leases are checked, ms. */
  sweepEveryMs?: number;
  log?: (line: string) => void;
}

const MAX_LEASE_MS = 60_000;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface Agent {
  server: http.Server;
  /** Lifts every fault (on SIGTERM). */
  liftAll(): Promise<void>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 64 * 1024) throw new Error('request body over 64 KiB');
  }
  return text === '' ? {} : JSON.parse(text);
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

function validRequest(r: unknown): r is AgentFaultRequest & { leaseMs: number } {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  const lease = typeof o.leaseMs === 'number' && o.leaseMs > 0 && o.leaseMs <= MAX_LEASE_MS;
  const pod = typeof o.podUid === 'string' && /^[0-9a-f-]{36}$/.test(o.podUid);
  const ports = Array.isArray(o.ports) && o.ports.length > 0 && o.ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536);
  const pct = typeof o.percent === 'number' && o.percent >= 0 && o.percent <= 100;
  switch (o.kind) {
    case 'loss':
      return lease && pod && ports && pct;
    case 'partition':
      return lease && pod && ports;
    case 'cpu-steal':
      return lease && pod && pct && typeof o.periodMs === 'number' && o.periodMs >= 10;
    case 'noisy-neighbour':
      return lease && Number.isInteger(o.hogs) && (o.hogs as number) >= 1 && (o.hogs as number) <= 64;
    default:
      return false;
  }
}

export function startAgent(opts: AgentOptions): Agent {
  const book = new LeaseBook();
  const applied = new Map<string, AppliedFault>();
  const log = opts.log ?? (() => {});
  const expected = Buffer.from(opts.token);
  const authorized = (req: IncomingMessage) => {
    const got = Buffer.from(String(req.headers['x-meshbench-agent-token'] ?? ''));
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
  const lift = async (id: string, why: string) => {
    const fault = applied.get(id);
    applied.delete(id);
    book.release(id);
    if (!fault) return false;
    await fault.lift().catch((err: Error) => log(`lifting ${id} failed: ${err.message}`));
    log(`lifted ${id} (${why})`);
    return true;
  };
  const sweep = setInterval(() => {
    for (const lease of book.takeExpired(opts.clock.now())) void lift(lease.id, 'lease expired: the runner stopped renewing');
  }, opts.sweepEveryMs ?? 250);
  sweep.unref();

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://agent');
      if (url.pathname === '/healthz') return send(res, 200, { ok: true });
      if (!authorized(req)) return send(res, 401, { error: 'missing or wrong x-meshbench-agent-token' });
      const m = /^\/v1\/faults(?:\/([^/]+))?(\/renew)?$/.exec(url.pathname);
      if (!m) return send(res, 404, { error: 'not found' });
      const [, id, renew] = m;
      if (id === undefined && req.method === 'GET') {
        return send(res, 200, book.list().map((l) => ({ id: l.id, expiresInMs: l.expiresAt - opts.clock.now(), mechanism: applied.get(l.id)?.mechanism })));
      }
      if (id === undefined || !ID.test(id)) return send(res, 400, { error: 'a fault id is [a-z0-9-], up to 63 characters' });
      if (renew && req.method === 'POST') {
        const { leaseMs } = (await body(req)) as { leaseMs?: number };
        const lease = book.renew(id, Math.min(Number(leaseMs) || 5000, MAX_LEASE_MS), opts.clock.now());
        return lease ? send(res, 200, { id, expiresInMs: lease.expiresAt - opts.clock.now() }) : send(res, 404, { error: `no live lease ${id}: it expired and the fault was lifted` });
      }
      if (req.method === 'PUT' && !renew) {
        const request = await body(req);
        if (!validRequest(request)) return send(res, 400, { error: 'invalid fault request' });
        if (applied.has(id)) return send(res, 409, { error: `fault ${id} is already applied` });
        const fault = await opts.apply(id, request);
        applied.set(id, fault);
        const lease = book.grant(id, request.leaseMs, opts.clock.now());
        log(`applied ${id}: ${fault.mechanism}`);
        return send(res, 201, { id, mechanism: fault.mechanism, expiresInMs: lease.expiresAt - opts.clock.now() });
      }
      if (req.method === 'DELETE' && !renew) return send(res, (await lift(id, 'deleted by the runner')) ? 200 : 404, { id });
      return send(res, 405, { error: 'method not allowed' });
    } catch (err) {
      send(res, 500, { error: err instanceof Error ? err.message : String(err) });
    }
  });
  return {
    server,
    async liftAll() {
      await Promise.all([...applied.keys()].map((id) => lift(id, 'agent stopping')));
    },
    async close() {
      clearInterval(sweep);
      await this.liftAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
