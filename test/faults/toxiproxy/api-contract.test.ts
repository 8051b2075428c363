// The bundled server must pass the Toxiproxy HTTP API contract that toxiproxy-node-client (and
// a real toxiproxy-server) rely on: shapes, defaults, and status codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../../src/faults/toxiproxy/server.ts';
import { splitAddress, startEchoServer, type TestServer } from './helpers.ts';

let server: RunningToxiproxyServer;
let echo: TestServer;
let client: Toxiproxy;

before(async () => {
  server = await startToxiproxyServer({ seed: 7 });
  echo = await startEchoServer();
  client = new Toxiproxy(server.url);
});
after(async () => {
  await server.close();
  await echo.close();
});

async function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

function refused(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(splitAddress(address));
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('version', () => {
  test('GET /version answers JSON with a version', async () => {
    const text = await client.getVersion();
    assert.equal(typeof (JSON.parse(text) as { version: unknown }).version, 'string');
  });
});

describe('proxies', () => {
  test('create answers 201 with the real listen port; list, get, update and delete follow', async () => {
    const created = await raw('POST', '/proxies', { name: 'crud', listen: '127.0.0.1:0', upstream: echo.address });
    assert.equal(created.status, 201);
    assert.deepEqual({ ...created.json, listen: undefined }, { name: 'crud', listen: undefined, upstream: echo.address, enabled: true, toxics: [] });
    const listen = created.json?.listen as string;
    assert.match(listen, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(splitAddress(listen).port, 0);

    const all = await client.getAll();
    assert.deepEqual(Object.keys(all), ['crud']);
    const proxy = await client.get('crud');
    assert.equal(proxy.listen, listen);

    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(disabled.enabled, false);
    assert.equal((await client.get('crud')).enabled, false);
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(enabled.enabled, true);
    assert.equal(enabled.listen, listen, 're-enabling listens on the same address');

    const patched = await raw('PATCH', '/proxies/crud', { enabled: false });
    assert.equal(patched.status, 200);
    assert.equal(patched.json?.enabled, false);
    assert.equal(patched.json?.upstream, echo.address, 'fields not given keep their value');

    assert.equal((await raw('DELETE', '/proxies/crud')).status, 204);
    assert.equal((await raw('GET', '/proxies/crud')).status, 404);
    assert.deepEqual(await client.getAll(), {});
  });

  test('a deleted proxy stops listening', async () => {
    const proxy = await client.createProxy({ name: 'gone', listen: '127.0.0.1:0', upstream: echo.address });
    assert.equal(await refused(proxy.listen), false);
    await proxy.remove();
    assert.equal(await refused(proxy.listen), true);
  });

  test('409 for a duplicate name, 404 for an unknown proxy', async () => {
    await client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: echo.address });
    const again = await raw('POST', '/proxies', { name: 'dup', listen: '127.0.0.1:0', upstream: echo.address });
    assert.deepEqual(again, { status: 409, json: { error: 'proxy already exists', status: 409 } });
    await assert.rejects(client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: echo.address }), /409/);
    await assert.rejects(client.get('nope'), /404/);
    assert.equal((await raw('DELETE', '/proxies/nope')).status, 404);
    assert.equal((await raw('POST', '/proxies/nope', { enabled: false })).status, 404);
    assert.equal((await raw('GET', '/proxies/nope/toxics')).status, 404);
    await client.get('dup').then((p) => p.remove());
  });

  test('400 for a bad body, a missing field or an address off loopback', async () => {
    const bad = [
      '{not json',
      '[]',
      { listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'x', listen: '127.0.0.1:0' },
      { name: 'x', listen: '127.0.0.1:0', upstream: 'no-port' },
      { name: 'x', listen: '127.0.0.1:0', upstream: echo.address, enabled: 'yes' },
      { name: 'x', listen: '0.0.0.0:0', upstream: echo.address },
      { name: 'x', listen: '127.0.0.1:0', upstream: '10.1.2.3:80' },
    ];
    for (const body of bad) {
      const res = await raw('POST', '/proxies', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json?.status, 400);
      assert.equal(typeof res.json?.error, 'string');
    }
    assert.deepEqual(await client.getAll(), {}, 'nothing was created');
  });

  test('populate creates or replaces a list, keeps an identical one, and validates all first', async () => {
    const proxies = await client.populate([
      { name: 'p1', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'p2', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ]);
    assert.deepEqual(Object.keys(proxies).sort(), ['p1', 'p2']);
    assert.equal(proxies.p2?.enabled, false);
    const p1 = proxies.p1!;
    assert.equal(p1.enabled, true);

    const res = await raw('POST', '/populate', [{ name: 'p1', listen: p1.listen, upstream: echo.address }]);
    assert.equal(res.status, 201);
    assert.equal((res.json?.proxies as Array<{ listen: string }>)[0]?.listen, p1.listen);

    const dupes = await raw('POST', '/populate', [
      { name: 'p3', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'p3', listen: '127.0.0.1:0', upstream: echo.address },
    ]);
    assert.equal(dupes.status, 400);
    const partlyBad = await raw('POST', '/populate', [
      { name: 'p4', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'p5', listen: '127.0.0.1:0' },
    ]);
    assert.equal(partlyBad.status, 400);
    assert.deepEqual(Object.keys(await client.getAll()).sort(), ['p1', 'p2'], 'a rejected populate changes nothing');
    await Promise.all(Object.values(await client.getAll()).map((p) => p.remove()));
  });
});

describe('toxics', () => {
  test('create, list, get, update and delete a toxic', async () => {
    const proxy = await client.createProxy({ name: 'tox', listen: '127.0.0.1:0', upstream: echo.address });
    const toxic = await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 0.5, attributes: { latency: 40, jitter: 5 } });
    assert.deepEqual(toxic.toJson(), {
      name: 'lat',
      type: 'latency',
      stream: 'downstream',
      toxicity: 0.5,
      attributes: { latency: 40, jitter: 5 },
    });
    await proxy.addToxic({ name: 'bw', type: 'bandwidth', stream: 'upstream', toxicity: 1, attributes: { rate: 10 } });

    const list = await raw('GET', '/proxies/tox/toxics');
    assert.deepEqual(
      (list.json as unknown as Array<{ name: string }>).map((t) => t.name),
      ['bw', 'lat'],
      'upstream toxics are listed before downstream ones',
    );
    assert.equal(((await raw('GET', '/proxies/tox')).json?.toxics as unknown[]).length, 2);
    assert.deepEqual((await proxy.getToxic('lat')).attributes, { latency: 40, jitter: 5 });

    const updated = await raw('POST', '/proxies/tox/toxics/lat', { attributes: { latency: 70 } });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.json?.attributes, { latency: 70, jitter: 5 }, 'attributes not given keep their value');
    assert.equal(updated.json?.toxicity, 0.5);
    const viaClient = await toxic.update({ ...toxic.toJson(), toxicity: 1, attributes: { latency: 80, jitter: 0 } });
    assert.equal(viaClient.toxicity, 1);
    assert.deepEqual(viaClient.attributes, { latency: 80, jitter: 0 });

    await toxic.remove();
    await assert.rejects(proxy.getToxic('lat'), /404/);
    assert.equal((await raw('DELETE', '/proxies/tox/toxics/bw')).status, 204);
    assert.deepEqual((await raw('GET', '/proxies/tox/toxics')).json, []);
    await proxy.remove();
  });

  test('defaults: downstream, toxicity 1, name <type>_<stream>, missing attributes 0', async () => {
    await client.createProxy({ name: 'defaults', listen: '127.0.0.1:0', upstream: echo.address });
    const res = await raw('POST', '/proxies/defaults/toxics', { type: 'timeout' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { name: 'timeout_downstream', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    await (await client.get('defaults')).remove();
  });

  test('409 for a duplicate toxic name, 404 for an unknown toxic, 400 for bad toxics', async () => {
    const proxy = await client.createProxy({ name: 'errs', listen: '127.0.0.1:0', upstream: echo.address });
    const body = { name: 't', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } } as const;
    await proxy.addToxic(body);
    const dup = await raw('POST', '/proxies/errs/toxics', { ...body, stream: 'downstream' });
    assert.deepEqual(dup, { status: 409, json: { error: 'toxic already exists', status: 409 } });

    assert.equal((await raw('GET', '/proxies/errs/toxics/none')).status, 404);
    assert.equal((await raw('DELETE', '/proxies/errs/toxics/none')).status, 404);
    assert.equal((await raw('POST', '/proxies/errs/toxics/none', { attributes: { latency: 5 } })).status, 404);
    assert.equal((await raw('POST', '/proxies/nope/toxics', body)).status, 404);

    const bad = [
      '{',
      { type: 'earthquake' },
      { type: 'latency', stream: 'sideways' },
      { type: 'latency', toxicity: 2 },
      { type: 'latency', attributes: { latency: 'slow' } },
      { type: 'latency', attributes: { latency: 1.5 } },
      { type: 'bandwidth', attributes: { rate: -1 } },
      { type: 'slicer', attributes: { average_size: 10, size_variation: 10 } },
    ];
    for (const b of bad) {
      const res = await raw('POST', '/proxies/errs/toxics', b);
      assert.equal(res.status, 400, JSON.stringify(b));
    }
    assert.equal((await raw('POST', '/proxies/errs/toxics/t', { attributes: { latency: -3 } })).status, 400);
    assert.deepEqual((await proxy.getToxic('t')).attributes, { latency: 1, jitter: 0 }, 'a rejected update changes nothing');
    await proxy.remove();
  });
});

describe('reset and the HTTP edge', () => {
  test('POST /reset re-enables every proxy and removes every toxic', async () => {
    const proxy = await client.createProxy({ name: 'r', listen: '127.0.0.1:0', upstream: echo.address });
    await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 10, jitter: 0 } });
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(await refused(proxy.listen), true);

    assert.equal((await raw('POST', '/reset')).status, 204);
    await client.reset();
    const after = await raw('GET', '/proxies/r');
    assert.equal(after.json?.enabled, true);
    assert.deepEqual(after.json?.toxics, []);
    assert.equal(await refused(proxy.listen), false);
    await proxy.remove();
  });

  test('browsers are refused; unknown routes are 404; wrong methods are 405', async () => {
    assert.equal((await raw('GET', '/proxies', undefined, { 'user-agent': 'Mozilla/5.0' })).status, 403);
    assert.equal((await raw('GET', '/nothing')).status, 404);
    assert.equal((await raw('PUT', '/proxies')).status, 405);
  });
});
