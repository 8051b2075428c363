// startToxic / ensureLinkProxy / removeProxies drive a Toxiproxy API (here the bundled server)
// through toxiproxy-node-client: the toxic really shapes traffic while active and is gone after.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Toxiproxy } from 'toxiproxy-node-client';
import { isMeshbenchError } from '../../../src/core/errors.ts';
import { ensureLinkProxy, linkProxyName, removeProxies, startToxic, type ToxicFaultSpec } from '../../../src/faults/toxic-fault.ts';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../../src/faults/toxiproxy/server.ts';
import { Clients, roundTrip, startEchoServer, type TestServer } from './helpers.ts';

let server: RunningToxiproxyServer;
let echo: TestServer;
let client: Toxiproxy;
const clients = new Clients();

before(async () => {
  server = await startToxiproxyServer({ seed: 5 });
  echo = await startEchoServer();
  client = new Toxiproxy(server.url);
});
after(async () => {
  clients.destroyAll();
  await server.close();
  await echo.close();
});

const latencyFault: ToxicFaultSpec = {
  kind: 'latency',
  name: 'slow user-service',
  target: { kind: 'link', from: 'frontend', to: 'user-service' },
  atMs: 1000,
  durationMs: 2000,
  attributes: { latency: 120, jitter: 0 },
  toxicity: 1,
  stream: 'downstream',
};

test('ensureLinkProxy creates a loopback proxy on a free port, and replaces one of the same name', async () => {
  const name = linkProxyName('run1', 'frontend', 'user-service', 0);
  assert.equal(name, 'meshbench-run1-frontend-user-service-0');
  const { listen } = await ensureLinkProxy(server.url, { name, upstream: echo.address });
  assert.match(listen, /^127\.0\.0\.1:[1-9]\d*$/);
  assert.ok((await roundTrip(await clients.connect(listen))) < 100);

  await (await client.get(name)).addToxic({ name: 'old', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
  const replaced = await ensureLinkProxy(server.url, { name, upstream: echo.address });
  const proxy = await client.get(name);
  assert.equal(proxy.listen, replaced.listen);
  assert.deepEqual((await fetch(`${server.url}/proxies/${name}/toxics`).then((r) => r.json())) as unknown[], [], 'a fresh proxy');
  assert.ok((await roundTrip(await clients.connect(replaced.listen))) < 100);
});

test('startToxic applies the toxic and says which mechanism ran; stop removes it, twice is fine', async () => {
  const name = linkProxyName('run2', 'frontend', 'user-service', 0);
  const { listen } = await ensureLinkProxy(server.url, { name, upstream: echo.address });
  const socket = await clients.connect(listen);

  const fault = await startToxic({ toxiproxyUrl: server.url, proxyName: name, fault: latencyFault });
  assert.equal(fault.mechanism, 'toxiproxy latency toxic 120±0 ms downstream on frontend->user-service (bundled server)');
  const toxics = (await fetch(`${server.url}/proxies/${name}/toxics`).then((r) => r.json())) as Array<{ type: string; attributes: unknown }>;
  assert.deepEqual(toxics.map((t) => [t.type, t.attributes]), [['latency', { latency: 120, jitter: 0 }]]);
  const slow = await roundTrip(socket);
  assert.ok(slow >= 115, `with the fault: ${slow.toFixed(0)} ms`);

  await fault.stop();
  await fault.stop();
  assert.deepEqual(await fetch(`${server.url}/proxies/${name}/toxics`).then((r) => r.json()), []);
  const fast = await roundTrip(socket);
  assert.ok(fast < 100, `after stop: ${fast.toFixed(0)} ms`);
});

test('stop after the proxy is gone is fine; an unknown proxy or bad attributes fail with a hint', async () => {
  const name = linkProxyName('run3', 'a', 'b', 0);
  await ensureLinkProxy(server.url, { name, upstream: echo.address });
  const fault = await startToxic({
    toxiproxyUrl: server.url,
    proxyName: name,
    fault: { ...latencyFault, kind: 'bandwidth', attributes: { rate: 50 }, toxicity: 0.5, stream: 'upstream' },
  });
  assert.equal(fault.mechanism, 'toxiproxy bandwidth toxic 50 KB/s upstream, 50% of connections on frontend->user-service (bundled server)');
  await (await client.get(name)).remove();
  await fault.stop();

  for (const attempt of [
    startToxic({ toxiproxyUrl: server.url, proxyName: 'no-such-proxy', fault: latencyFault }),
    (async () => {
      await ensureLinkProxy(server.url, { name, upstream: echo.address });
      return startToxic({ toxiproxyUrl: server.url, proxyName: name, fault: { ...latencyFault, attributes: { latency: 1.5 } } });
    })(),
  ]) {
    await assert.rejects(attempt, (err: unknown) => isMeshbenchError(err) && err.code === 'E_TOXIPROXY' && err.hint.length > 0);
  }
});

test('an unreachable toxiproxy URL is an environment error that says so', async () => {
  const dead = await startToxiproxyServer({});
  await dead.close();
  await assert.rejects(
    startToxic({ toxiproxyUrl: dead.url, proxyName: 'x', fault: latencyFault }),
    (err: unknown) => isMeshbenchError(err) && err.exitCode === 3 && /reachable/.test(err.hint),
  );
});

test('removeProxies removes exactly the proxies with the prefix', async () => {
  for (const name of ['meshbench-r9-a-b-0', 'meshbench-r9-a-b-1', 'meshbench-r10-a-b-0']) {
    await ensureLinkProxy(server.url, { name, upstream: echo.address });
  }
  const removed = await removeProxies(server.url, 'meshbench-r9-');
  assert.deepEqual(removed.sort(), ['meshbench-r9-a-b-0', 'meshbench-r9-a-b-1']);
  const left = Object.keys(await client.getAll());
  assert.ok(left.includes('meshbench-r10-a-b-0'));
  assert.ok(!left.some((n) => n.startsWith('meshbench-r9-')));
  assert.deepEqual(await removeProxies(server.url, 'meshbench-r9-'), []);
});
