import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { PROXY_ERROR_HEADER } from '../../proxy/src/proxy-error.ts';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import { DEADLINE_HEADER } from '../../proxy/src/timeout/deadline.ts';
import { closeClientAgent, drive, proxyConfig, request, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

const upstreams: Upstream[] = [];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  closeClientAgent();
});

test('the remaining deadline is propagated, honours the incoming one, and decreases across attempts', async () => {
  const seen: number[] = [];
  const slowFail = await startUpstream((req, res) => {
    seen.push(Number(req.headers[DEADLINE_HEADER]));
    setTimeout(() => res.writeHead(503).end(), 60);
  });
  const good = await startUpstream((req, res) => {
    seen.push(Number(req.headers[DEADLINE_HEADER]));
    res.writeHead(200).end('ok');
  });
  upstreams.push(slowFail, good);
  const mesh = testMesh({ balancer: 'round-robin', timeoutMs: 1000, breaker: { ...testMesh().breaker, enabled: false } });
  const proxy = await startProxy(proxyConfig(mesh, { users: [slowFail, good] }));
  try {
    const r = await request(proxy.port, 'users', { headers: { [DEADLINE_HEADER]: '400' } });
    assert.equal(r.status, 200);
    assert.equal(seen.length, 2);
    const [first, second] = seen as [number, number];
    assert.ok(first <= 400 && first > 300, `first attempt saw ${first}`);
    assert.ok(second <= first - 50, `retry saw ${second} after ${first}`);

    seen.length = 0;
    await request(proxy.port, 'users');
    assert.ok(seen[0]! <= 1000 && seen[0]! > 900, `route timeout sent as ${seen[0]}`);
  } finally {
    await proxy.close();
  }
});

test('past the deadline the proxy answers 504 and abandons the upstream request', async () => {
  let abandoned = 0;
  const slow = await startUpstream((_req, res) => {
    const timer = setTimeout(() => res.writeHead(200).end('late'), 2000);
    res.on('close', () => {
      if (!res.writableFinished) abandoned++;
      clearTimeout(timer);
    });
  });
  upstreams.push(slow);
  const proxy = await startProxy(proxyConfig(testMesh({ timeoutMs: 100 }), { users: [slow] }));
  try {
    const t0 = performance.now();
    const r = await request(proxy.port, 'users');
    const took = performance.now() - t0;
    assert.equal(r.status, 504);
    assert.equal(r.headers[PROXY_ERROR_HEADER], 'deadline-exceeded');
    assert.ok(took < 1500, `answered after ${took.toFixed(0)} ms, not when the upstream finished`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(abandoned, 1, 'the upstream saw the request cancelled');
    assert.equal(slow.hits, 1, 'no retry past the deadline');
    assert.equal(proxy.stats().counters.deadline_exceeded, 1);

    const expired = await request(proxy.port, 'users', { headers: { [DEADLINE_HEADER]: '0' } });
    assert.equal(expired.status, 504);
    assert.equal(slow.hits, 1, 'an expired request is not sent at all');
  } finally {
    await proxy.close();
  }
});

test('admission control sheds beyond maxPending at once, and admits again when requests finish', async () => {
  const held: Array<() => void> = [];
  const parked = await startUpstream((_req, res) => held.push(() => res.writeHead(200).end('ok')));
  upstreams.push(parked);
  const proxy = await startProxy(proxyConfig(testMesh({ maxPending: 2 }), { users: [parked] }));
  try {
    const pending = [request(proxy.port, 'users'), request(proxy.port, 'users')];
    while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const shed = await drive(3, 3, () => request(proxy.port, 'users'));
    for (const r of shed) {
      assert.equal(r.status, 503);
      assert.equal(r.headers[PROXY_ERROR_HEADER], 'shed');
    }
    for (const release of held) release();
    assert.deepEqual((await Promise.all(pending)).map((r) => r.status), [200, 200]);
    held.length = 0;
    const again = request(proxy.port, 'users');
    while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    held[0]!();
    assert.equal((await again).status, 200);
    assert.equal(proxy.stats().counters.shed, 3);
  } finally {
    await proxy.close();
  }
});
