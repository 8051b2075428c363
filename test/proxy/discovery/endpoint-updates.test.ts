// A proxy whose endpoints change while it runs, as they do under EndpointSlice discovery: real
// upstreams on loopback, endpoint sets pushed through the EndpointSource interface. Readiness
// waits for the first set; traffic follows every update; policy routes follow the zones; an
// endpoint that stays keeps its state and its metric series.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { EndpointConfig } from '../../../proxy/src/config.ts';
import type { EndpointSets, EndpointSource } from '../../../proxy/src/discovery/endpoint-source.ts';
import { PROXY_ERROR_HEADER } from '../../../proxy/src/proxy-error.ts';
import { startProxy } from '../../../proxy/src/start-proxy.ts';
import { closeClientAgent, drive, proxyConfig, request, startUpstream, testMesh, type Upstream } from '../proxy-harness.ts';

const upstreams: Upstream[] = [];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  closeClientAgent();
});

/** An EndpointSource the test drives by hand: sync() and push() stand in for the informers. */
function scriptedSource() {
  let deliver: ((sets: EndpointSets) => void) | null = null;
  let synced: () => void = () => {};
  let stopped = false;
  const source: EndpointSource = {
    start(update) {
      deliver = update;
      return new Promise((resolve) => (synced = resolve));
    },
    async stop() {
      stopped = true;
    },
  };
  return {
    source,
    push(sets: Record<string, EndpointConfig[]>) {
      deliver!(new Map(Object.entries(sets)));
    },
    sync(sets: Record<string, EndpointConfig[]>) {
      this.push(sets);
      synced();
    },
    get stopped() {
      return stopped;
    },
  };
}

async function readyStatus(adminPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/ready`);
  await res.arrayBuffer();
  return res.status;
}

test('not ready and `no-endpoints` until synced; then traffic follows each endpoint set', async () => {
  const a = await startUpstream((_req, res) => res.writeHead(200).end('a'));
  const b = await startUpstream((_req, res) => res.writeHead(200).end('b'));
  upstreams.push(a, b);
  const script = scriptedSource();
  // Round robin: this is about which endpoints exist; peak-EWMA would (rightly) warm a new one up slowly.
  const proxy = await startProxy(proxyConfig(testMesh({ balancer: 'round-robin' }), { users: [] }), { endpointSource: script.source });
  try {
    assert.equal(await readyStatus(proxy.adminPort), 503);
    const early = await request(proxy.port, 'users');
    assert.equal(early.status, 503);
    assert.equal(early.headers[PROXY_ERROR_HEADER], 'no-endpoints');

    script.sync({ users: [{ address: a.address, labels: {} }] });
    await proxy.ready;
    assert.equal(await readyStatus(proxy.adminPort), 200);
    await drive(10, 2, () => request(proxy.port, 'users'));
    assert.equal(a.hits, 10);

    script.push({ users: [{ address: a.address, labels: {} }, { address: b.address, labels: {} }] });
    await drive(40, 4, () => request(proxy.port, 'users'));
    assert.equal(b.hits, 20, 'the added endpoint takes its share');

    script.push({ users: [{ address: b.address, labels: {} }] });
    const before = a.hits;
    await drive(10, 2, () => request(proxy.port, 'users'));
    assert.equal(a.hits, before, 'a removed endpoint gets nothing');
  } finally {
    await proxy.close();
  }
  assert.ok(script.stopped, 'close() stops the source');
});

test('policy routes follow discovered zones; an endpoint that stays keeps one metric series', async () => {
  const no = await startUpstream((_req, res) => res.writeHead(200).end('no'));
  const de = await startUpstream((_req, res) => res.writeHead(200).end('de'));
  upstreams.push(no, de);
  const mesh = testMesh({ routes: [{ name: 'norway', match: { header: 'x-data-class', value: 'sensitive-norway' }, subset: { zone: 'no' }, failClosed: true }] });
  const script = scriptedSource();
  const proxy = await startProxy(proxyConfig(mesh, { users: [] }), { endpointSource: script.source });
  const sensitive = () => request(proxy.port, 'users', { headers: { 'x-data-class': 'sensitive-norway' } });
  try {
    script.sync({ users: [{ address: no.address, labels: { zone: 'no' } }, { address: de.address, labels: { zone: 'de' } }] });
    await proxy.ready;
    await drive(20, 2, sensitive);
    assert.equal(no.hits, 20);
    assert.equal(de.hits, 0);

    // The zone-no endpoint goes away: fail closed, never to de.
    script.push({ users: [{ address: de.address, labels: { zone: 'de' } }] });
    const closed = await sensitive();
    assert.equal(closed.status, 503);
    assert.equal(closed.headers[PROXY_ERROR_HEADER], 'no-subset-endpoint');
    assert.equal(de.hits, 0);

    script.push({ users: [{ address: no.address, labels: { zone: 'no' } }, { address: de.address, labels: { zone: 'de' } }] });
    await drive(5, 1, sensitive);
    assert.equal(no.hits, 25);
    const metrics = await (await fetch(`http://127.0.0.1:${proxy.adminPort}/metrics`)).text();
    const series = metrics.split('\n').filter((l) => l.startsWith(`meshbench_proxy_endpoint_requests_total{destination="users",endpoint="${no.address}",zone="no",class="2xx"}`));
    assert.deepEqual(series, [`meshbench_proxy_endpoint_requests_total{destination="users",endpoint="${no.address}",zone="no",class="2xx"} 25`]);
    const audit = proxy.stats().audit.filter((r) => r.route === 'norway');
    assert.deepEqual(audit.map((r) => `${r.zone}=${r.requests}`), ['no=25'], 'the audit still shows 0 sensitive requests outside zone no');
  } finally {
    await proxy.close();
  }
});

test('an update does not reset an endpoint that stays: an ejected endpoint stays ejected', async () => {
  const broken = await startUpstream((_req, res) => res.writeHead(503).end('down'));
  const healthy = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  upstreams.push(broken, healthy);
  const mesh = testMesh({ retry: { ...testMesh().retry, enabled: false } });
  const script = scriptedSource();
  const proxy = await startProxy(proxyConfig(mesh, { users: [] }), { endpointSource: script.source });
  const state = async () =>
    ((await (await fetch(`http://127.0.0.1:${proxy.adminPort}/admin/state.json`)).json()) as { destinations: Array<{ endpoints: Array<{ address: string; breaker: string }> }> }).destinations[0]!.endpoints;
  try {
    script.sync({ users: [{ address: broken.address, labels: {} }] });
    await proxy.ready;
    await drive(mesh.breaker.consecutiveFailures, 1, () => request(proxy.port, 'users'));
    assert.equal((await state())[0]!.breaker, 'open');

    script.push({ users: [{ address: broken.address, labels: {} }, { address: healthy.address, labels: {} }] });
    assert.deepEqual((await state()).map((e) => [e.address === broken.address ? 'broken' : 'healthy', e.breaker]).sort(), [['broken', 'open'], ['healthy', 'closed']]);
    const hitsBefore = broken.hits;
    await drive(10, 1, () => request(proxy.port, 'users'));
    assert.equal(broken.hits, hitsBefore, 'the ejected endpoint gets no traffic after the update');
    assert.equal(healthy.hits, 10);
  } finally {
    await proxy.close();
  }
});
