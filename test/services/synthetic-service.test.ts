import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { DEADLINE_HEADER, type ServiceConfig } from '../../src/services/protocol.ts';
import { startSyntheticService, type RunningService } from '../../src/services/synthetic-service.ts';

const running: Array<{ close(): Promise<void> }> = [];
after(async () => {
  await Promise.all(running.map((s) => s.close()));
});

async function service(overrides: Partial<ServiceConfig>): Promise<RunningService> {
  const s = await startSyntheticService({
    name: 'users',
    replica: 0,
    host: '127.0.0.1',
    port: 0,
    serviceTime: { kind: 'fixed', ms: 20 },
    pool: 2,
    replicas: 1,
    contention: null,
    responseBytes: 100,
    seed: 1,
    calls: [],
    ...overrides,
  });
  running.push(s);
  return s;
}

function get(port: number, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; ms: number; body: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - t0, body }));
      })
      .on('error', reject);
  });
}

test('the DB pool makes capacity explicit: with pool 2 and 200 ms, the 3rd and 4th requests wait', async () => {
  // 200 ms, not 20: a VM's hypervisor can pause this process for 20 ms (CI saw 39.5, 39.7,
  // 47.6, 54.5 ms at 20 ms), which must not blur one service time of waiting.
  const s = await service({ serviceTime: { kind: 'fixed', ms: 200 } });
  await get(s.port); // warm up: the first request on a fresh process pays for compilation
  const results = await Promise.all([1, 2, 3, 4].map(() => get(s.port)));
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  assert.ok(results.every((r) => r.status === 200 && r.body.length === 100));
  assert.ok(ms[0]! >= 199, `nothing is served faster than its service time, got ${ms}`);
  assert.ok(ms[2]! - ms[1]! >= 150, `the 3rd waited for a connection one service time longer than the 2nd, got ${ms}`);
  assert.equal(s.counters().arrivals, 5);
  assert.equal(s.counters().completed, 5);
});

test('contention: every query also holds its connection for the coordination its replica count costs', async () => {
  // 4 replicas, 2 ms per other replica and 1 ms per ordered pair: 20 + 2·3 + 1·4·3 = 38 ms per query.
  const s = await service({ pool: 1, replicas: 4, contention: { perOtherReplicaMs: 2, perReplicaPairMs: 1 } });
  await get(s.port);
  const [a, b] = await Promise.all([get(s.port), get(s.port)]);
  const [first, second] = [a!.ms, b!.ms].sort((x, y) => x - y);
  assert.ok(first! >= 37, `a query takes 38 ms, got ${first}`);
  assert.ok(second! >= 74, `with pool 1 the second waits for the first's 38 ms, got ${second}`);
});

test('work whose propagated deadline has passed is dropped before the database call', async () => {
  const s = await service({ pool: 1, serviceTime: { kind: 'fixed', ms: 50 } });
  const [first, second] = await Promise.all([get(s.port, { [DEADLINE_HEADER]: '1000' }), get(s.port, { [DEADLINE_HEADER]: '10' })]);
  assert.equal(first.status, 200);
  assert.equal(second.status, 504, 'the second waited for the pool past its 10 ms deadline');
  assert.equal(s.counters().expired, 1);
  assert.equal(s.counters().completed, 1);
});

test('a DB lock queues requests until it lifts', async () => {
  const s = await service({ pool: 4, serviceTime: { kind: 'fixed', ms: 5 } });
  s.lockDb(300);
  const pending = Promise.all([1, 2, 3, 4, 5, 6].map(() => get(s.port)));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.counters().queueDepth, 2, 'four hold connections while the table is locked, two wait for one');
  const results = await pending;
  assert.ok(results.every((r) => r.status === 200 && r.ms >= 290), 'every request waited out the lock');
});

test('in the direct arm a naive caller retries timed-out attempts: 1 + retries attempts reach the callee', async () => {
  const slow = await service({ name: 'slow', pool: 64, serviceTime: { kind: 'fixed', ms: 200 } });
  const caller = await service({
    name: 'frontend',
    serviceTime: { kind: 'fixed', ms: 1 },
    calls: [{ service: 'slow', targets: [`127.0.0.1:${slow.port}`], hostHeader: 'slow', retry: { timeoutMs: 50, retries: 3, backoffMs: 0 } }],
  });
  const r = await get(caller.port);
  assert.equal(r.status, 504);
  assert.ok(r.ms >= 190 && r.ms < 400, `four 50 ms attempts, got ${r.ms} ms`);
  assert.equal(caller.counters().downstreamAttempts, 4);
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(slow.counters().arrivals, 4, 'every abandoned attempt still arrived at the callee');
});

test('context headers (request class) are passed on to downstream calls', async () => {
  let seen: http.IncomingHttpHeaders = {};
  const probe = http.createServer((req, res) => {
    seen = req.headers;
    res.end('ok');
  });
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  running.push({ close: () => new Promise<void>((r) => probe.close(() => r())) });
  const port = (probe.address() as AddressInfo).port;
  const caller = await service({
    name: 'frontend',
    serviceTime: { kind: 'fixed', ms: 1 },
    calls: [{ service: 'users', targets: [`127.0.0.1:${port}`], hostHeader: 'users', retry: { timeoutMs: null, retries: 0, backoffMs: 0 } }],
  });
  const r = await get(caller.port, { 'x-data-class': 'sensitive-norway', [DEADLINE_HEADER]: '500' });
  assert.equal(r.status, 200);
  assert.equal(seen['x-data-class'], 'sensitive-norway');
  assert.equal(seen.host, 'users');
  const remaining = Number(seen[DEADLINE_HEADER]);
  assert.ok(remaining > 400 && remaining <= 500, `the remaining deadline is passed on, got ${remaining}`);
});

test('a naive caller counts each finished call and the attempts it took: never more than 1 + retries', async () => {
  const blackhole = http.createServer(() => {
    /* never answers */
  });
  await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
  running.push({ close: () => new Promise<void>((r) => { blackhole.closeAllConnections(); blackhole.close(() => r()); }) });
  const port = (blackhole.address() as AddressInfo).port;
  const s = await service({
    name: 'frontend',
    serviceTime: { kind: 'fixed', ms: 0 },
    calls: [{ service: 'users', targets: [`127.0.0.1:${port}`], hostHeader: 'users', retry: { timeoutMs: 30, retries: 2, backoffMs: 0 } }],
  });
  const replies = await Promise.all([1, 2, 3, 4, 5].map(() => get(s.port)));
  assert.ok(replies.every((r) => r.status === 504));
  const c = s.counters();
  assert.deepEqual(c.calls, { users: { requests: 5, attempts: 15 } });
  assert.equal(c.downstreamAttempts, 15);
});

test('a call the mesh proxy refused passes the proxy\'s reason on, so the client can count it', async () => {
  const refusing = http.createServer((_req, res) => res.writeHead(503, { 'x-meshbench-proxy-error': 'all-endpoints-ejected' }).end());
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
  running.push({ close: () => new Promise<void>((r) => { refusing.closeAllConnections(); refusing.close(() => r()); }) });
  const s = await service({
    name: 'frontend',
    serviceTime: { kind: 'fixed', ms: 0 },
    calls: [{ service: 'users', targets: [`127.0.0.1:${(refusing.address() as AddressInfo).port}`], hostHeader: 'users', retry: { timeoutMs: null, retries: 0, backoffMs: 0 } }],
  });
  const reply = await new Promise<http.IncomingMessage>((resolve, reject) => http.get({ host: '127.0.0.1', port: s.port, path: '/', agent: false }, resolve).on('error', reject));
  reply.resume();
  assert.equal(reply.statusCode, 502);
  assert.equal(reply.headers['x-meshbench-proxy-error'], 'all-endpoints-ejected');
  assert.deepEqual(s.counters().calls, { users: { requests: 1, attempts: 1 } });
});
