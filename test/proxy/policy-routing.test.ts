import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { PROXY_ERROR_HEADER } from '../../proxy/src/proxy-error.ts';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import type { RouteSpec } from '../../src/scenario/types.ts';
import { closeClientAgent, drive, proxyConfig, request, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

const upstreams: Upstream[] = [];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  closeClientAgent();
});

const sensitive: RouteSpec = { name: 'sensitive-norway', match: { header: 'x-data-class', value: 'sensitive' }, subset: { zone: 'oslo' }, failClosed: true };
const SENSITIVE = { 'x-data-class': 'sensitive' };
const ok = () => startUpstream((_req, res) => res.writeHead(200).end('ok'));

test('sensitive requests reach only the compliant zone, and fail closed when it is down', async () => {
  const oslo1 = await ok();
  const oslo2 = await ok();
  const frankfurt = await ok();
  upstreams.push(oslo1, oslo2, frankfurt);
  const mesh = testMesh({ routes: [sensitive], breaker: { enabled: true, consecutiveFailures: 2, backoff: { minMs: 5000, maxMs: 5000, jitter: 0 } } });
  const proxy = await startProxy(
    proxyConfig(mesh, {
      users: [
        { address: oslo1.address, labels: { zone: 'oslo' } },
        { address: oslo2.address, labels: { zone: 'oslo' } },
        { address: frankfurt.address, labels: { zone: 'frankfurt' } },
      ],
    }),
  );
  try {
    const sens = await drive(60, 4, () => request(proxy.port, 'users', { headers: SENSITIVE }));
    assert.ok(sens.every((r) => r.status === 200));
    assert.equal(frankfurt.hits, 0);
    assert.equal(oslo1.hits + oslo2.hits, 60);
    await drive(30, 4, () => request(proxy.port, 'users'));
    assert.ok(frankfurt.hits > 0, 'ordinary requests use every zone');

    await oslo1.close();
    await oslo2.close();
    const frankfurtBefore = frankfurt.hits;
    const down = await drive(20, 2, () => request(proxy.port, 'users', { headers: SENSITIVE }));
    for (const r of down) {
      assert.ok(r.status >= 500, `status ${r.status}`);
      assert.ok(['upstream-unreachable', 'all-endpoints-ejected'].includes(String(r.headers[PROXY_ERROR_HEADER])));
    }
    assert.ok(down.some((r) => r.status === 503 && r.headers[PROXY_ERROR_HEADER] === 'all-endpoints-ejected'));
    assert.equal(frankfurt.hits, frankfurtBefore, 'never fell back to the non-compliant zone');

    const audit = proxy.stats().audit;
    assert.deepEqual(
      audit.filter((a) => a.route === 'sensitive-norway').map((a) => a.zone),
      ['oslo'],
    );
    assert.ok(audit.some((a) => a.route === 'default' && a.zone === 'frankfurt' && a.requests > 0));
  } finally {
    await proxy.close();
  }
});

test('a fail-closed route with no endpoint in its subset answers 503 no-subset-endpoint', async () => {
  const frankfurt = await ok();
  upstreams.push(frankfurt);
  const proxy = await startProxy(proxyConfig(testMesh({ routes: [sensitive] }), { users: [{ address: frankfurt.address, labels: { zone: 'frankfurt' } }] }));
  try {
    const r = await request(proxy.port, 'users', { headers: SENSITIVE });
    assert.equal(r.status, 503);
    assert.equal(r.headers[PROXY_ERROR_HEADER], 'no-subset-endpoint');
    assert.equal(frankfurt.hits, 0);
  } finally {
    await proxy.close();
  }
});

test('a route that is not fail-closed falls back to all endpoints', async () => {
  const frankfurt = await ok();
  upstreams.push(frankfurt);
  const lenient = { ...sensitive, failClosed: false };
  const proxy = await startProxy(proxyConfig(testMesh({ routes: [lenient] }), { users: [{ address: frankfurt.address, labels: { zone: 'frankfurt' } }] }));
  try {
    assert.equal((await request(proxy.port, 'users', { headers: SENSITIVE })).status, 200);
  } finally {
    await proxy.close();
  }
});

test('an unknown Host is answered 404 no-route', async () => {
  const proxy = await startProxy(proxyConfig(testMesh(), {}));
  try {
    const r = await request(proxy.port, 'nobody');
    assert.equal(r.status, 404);
    assert.equal(r.headers[PROXY_ERROR_HEADER], 'no-route');
  } finally {
    await proxy.close();
  }
});

test('a zone route governs only zoned destinations: sensitive requests pass the unzoned hop, and still fail closed at the zoned one', async () => {
  const frontend = await ok();
  const frankfurt = await ok();
  upstreams.push(frontend, frankfurt);
  const proxy = await startProxy(
    proxyConfig(testMesh({ routes: [sensitive] }), {
      frontend: [{ address: frontend.address, labels: {} }],
      users: [{ address: frankfurt.address, labels: { zone: 'frankfurt' } }],
    }),
  );
  try {
    const toFrontend = await drive(10, 2, () => request(proxy.port, 'frontend', { headers: SENSITIVE }));
    assert.ok(toFrontend.every((r) => r.status === 200), 'the unzoned frontend hop is not governed by the zone route');
    const toUsers = await drive(10, 2, () => request(proxy.port, 'users', { headers: SENSITIVE }));
    assert.ok(toUsers.every((r) => r.status === 503 && r.headers[PROXY_ERROR_HEADER] === 'no-subset-endpoint'), 'no compliant endpoint: fail closed');
    assert.equal(frankfurt.hits, 0, 'never leaked to the non-compliant zone');
  } finally {
    await proxy.close();
  }
});
