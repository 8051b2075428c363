import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import { closeClientAgent, drive, proxyConfig, request, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

const upstreams: Upstream[] = [];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  closeClientAgent();
});

const noBreaker = { ...testMesh().breaker, enabled: false };

test('a hard-failing destination sees at most ~1.2x the client rate plus the reserve, never 4x', async () => {
  const down = await startUpstream((_req, res) => res.writeHead(503).end());
  upstreams.push(down);
  const budget = { percentCanRetry: 0.2, minRetriesPerSec: 1, ttlMs: 10_000 };
  const retry = { ...testMesh().retry, maxRetries: 3, backoff: { baseMs: 0, maxMs: 0 }, budget };
  const proxy = await startProxy(proxyConfig(testMesh({ retry, breaker: noBreaker }), { users: [down] }));
  try {
    const n = 300;
    const replies = await drive(n, 8, () => request(proxy.port, 'users'));
    assert.ok(replies.every((r) => r.status === 503));
    const reserve = budget.minRetriesPerSec * (budget.ttlMs / 1000);
    assert.ok(down.hits <= n * 1.2 + reserve, `${down.hits} attempts for ${n} requests`);
    assert.ok(down.hits >= n * 1.2, `the budget was used (${down.hits})`);
    const { counters } = proxy.stats();
    assert.equal(counters.retries, down.hits - n);
    assert.ok(counters.budget_refusals! > 0);
  } finally {
    await proxy.close();
  }
});

test('a retried request succeeds on another endpoint; POST is not retried on 503', async () => {
  const bad = await startUpstream((_req, res) => res.writeHead(503).end());
  const good = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  upstreams.push(bad, good);
  const proxy = await startProxy(proxyConfig(testMesh({ balancer: 'round-robin', breaker: noBreaker }), { users: [bad, good] }));
  try {
    const gets = await drive(10, 1, () => request(proxy.port, 'users'));
    assert.ok(gets.every((r) => r.status === 200));
    assert.equal(proxy.stats().counters.retries, 10, 'round-robin puts every first attempt on the bad endpoint');
    const posts = await drive(10, 1, () => request(proxy.port, 'users', { method: 'POST' }));
    assert.equal(posts.filter((r) => r.status === 503).length, 5);
    assert.equal(proxy.stats().counters.retries, 10, 'no POST was retried');
  } finally {
    await proxy.close();
  }
});

test('a connection refused before sending is retried even for POST', async () => {
  const good = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  const gone = await startUpstream(() => {});
  upstreams.push(good);
  await gone.close();
  const proxy = await startProxy(proxyConfig(testMesh({ balancer: 'round-robin', breaker: noBreaker }), { users: [gone, good] }));
  try {
    const posts = await drive(6, 1, () => request(proxy.port, 'users', { method: 'POST' }));
    assert.ok(posts.every((r) => r.status === 200));
    assert.equal(good.hits, 6);
  } finally {
    await proxy.close();
  }
});

test('per destination, attempts are counted per finished request: never above 1 + maxRetries each, fast failures apart', async () => {
  const down = await startUpstream((_req, res) => res.writeHead(503).end());
  upstreams.push(down);
  // A generous budget, so every request uses all its retries; then the breaker ejects the only
  // endpoint and requests fail fast without any attempt.
  const retry = { ...testMesh().retry, maxRetries: 2, backoff: { baseMs: 0, maxMs: 0 }, budget: { percentCanRetry: 10, minRetriesPerSec: 1000, ttlMs: 10_000 } };
  const breaker = { enabled: true, consecutiveFailures: 30, backoff: { minMs: 60_000, maxMs: 60_000, jitter: 0 } };
  const proxy = await startProxy(proxyConfig(testMesh({ retry, breaker }), { users: [down] }));
  try {
    const replies = await drive(20, 1, () => request(proxy.port, 'users'));
    const d = proxy.stats().destinations.users!;
    assert.equal(d.requests, 20);
    assert.equal(d.attempts, down.hits, 'every attempt that reached the endpoint is counted');
    assert.equal(d.attempts, 30, '10 requests × 3 attempts until 30 consecutive failures eject the endpoint');
    assert.equal(d.attempted, 10);
    assert.ok(d.attempts / d.attempted <= 1 + retry.maxRetries);
    assert.equal(replies.filter((r) => r.headers['x-meshbench-proxy-error'] === 'all-endpoints-ejected').length, 10, 'the rest failed fast, with no attempt');
  } finally {
    await proxy.close();
  }
});
