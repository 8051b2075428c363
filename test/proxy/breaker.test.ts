import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROXY_ERROR_HEADER } from '../../proxy/src/proxy-error.ts';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import { closeClientAgent, drive, proxyConfig, request, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

const upstreams: Upstream[] = [];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  closeClientAgent();
});

const mesh = testMesh({
  balancer: 'round-robin',
  retry: { ...testMesh().retry, enabled: false },
  breaker: { enabled: true, consecutiveFailures: 3, backoff: { minMs: 150, maxMs: 1000, jitter: 0 } },
});

test('a failing endpoint is ejected, then probed and revived once it recovers', async () => {
  let failing = true;
  const healthy = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  const flaky = await startUpstream((_req, res) => res.writeHead(failing ? 500 : 200).end());
  upstreams.push(healthy, flaky);
  const proxy = await startProxy(proxyConfig(mesh, { users: [healthy, flaky] }));
  try {
    await drive(40, 1, () => request(proxy.port, 'users'));
    assert.equal(flaky.hits, 3, 'ejected after exactly 3 consecutive failures');
    assert.equal(proxy.stats().counters.ejections, 1);

    failing = false;
    await sleep(200);
    const after = await drive(20, 1, () => request(proxy.port, 'users'));
    assert.ok(after.every((r) => r.status === 200));
    assert.ok(flaky.hits >= 3 + 8, `revived endpoint back in rotation (hits ${flaky.hits})`);
  } finally {
    await proxy.close();
  }
});

test('when every endpoint is ejected the proxy fails fast with 503 all-endpoints-ejected', async () => {
  const down = await startUpstream((_req, res) => res.writeHead(503).end());
  upstreams.push(down);
  const proxy = await startProxy(proxyConfig(mesh, { users: [down] }));
  try {
    await drive(3, 1, () => request(proxy.port, 'users'));
    const replies = await drive(10, 2, () => request(proxy.port, 'users'));
    assert.equal(down.hits, 3);
    for (const r of replies) {
      assert.equal(r.status, 503);
      assert.equal(r.headers[PROXY_ERROR_HEADER], 'all-endpoints-ejected');
    }
  } finally {
    await proxy.close();
  }
});

test('an endpoint that refuses connections is ejected too', async () => {
  const healthy = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  const gone = await startUpstream(() => {});
  upstreams.push(healthy);
  await gone.close();
  const proxy = await startProxy(proxyConfig(mesh, { users: [healthy, gone] }));
  try {
    const replies = await drive(30, 1, () => request(proxy.port, 'users'));
    const unreachable = replies.filter((r) => r.headers[PROXY_ERROR_HEADER] === 'upstream-unreachable');
    assert.equal(unreachable.length, 3);
    assert.equal(replies.filter((r) => r.status === 200).length, 27);
  } finally {
    await proxy.close();
  }
});
