// The bundled server must pass the Toxiproxy HTTP API contract that toxiproxy-node-client (and
// a real toxiproxy-server) rely on: shapes, defaults, and status codes. Every test runs against
// the real toxiproxy-server (built from the pinned Go module) and the bundled one, so the
// bundled server is held to the real one; the one deliberate difference (loopback only) is
// tested for the bundled server alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { pinnedToxiproxyVersion, serverKinds, startServer, type ServerKind, type ServerUnderTest } from './servers.ts';
import { splitAddress, startEchoServer, type TestServer } from './helpers.ts';

for (const { kind, skip } of serverKinds()) describe(`${kind} toxiproxy server`, { skip }, () => contract(kind));

function contract(kind: ServerKind): void {
let server: ServerUnderTest;
let echo: TestServer;
let client: Toxiproxy;

before(async () => {
  server = await startServer(kind, 7);
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
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, contentType: res.headers.get('content-type') };
}

/** The fields of a proxy the API documents (the real server's JSON also carries an empty Logger). */
const proxyFields = (json: Record<string, unknown> | undefined) => ({
  name: json?.name,
  listen: json?.listen,
  upstream: json?.upstream,
  enabled: json?.enabled,
  toxics: json?.toxics,
});

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
  test('GET /version answers {"version": "<semver>"} of the pinned release; the bundled server marks itself', async () => {
    const text = await client.getVersion();
    const { version } = JSON.parse(text) as { version: string };
    const release = pinnedToxiproxyVersion().replace(/^v/, '');
    assert.equal(version, kind === 'real' ? release : `${release}+meshbench`);
    assert.match(version, /^\d+\.\d+\.\d+(\+[0-9A-Za-z.-]+)?$/, 'a semantic version');
    const res = await raw('GET', '/version');
    assert.equal(res.contentType, 'application/json;charset=utf-8');
    assert.equal(res.text, `{"version": "${version}"}\n`);
  });
});

describe('proxies', () => {
  test('create answers 201 with the real listen port; list, get, update and delete follow', async () => {
    const created = await raw('POST', '/proxies', { name: 'crud', listen: '127.0.0.1:0', upstream: echo.address });
    assert.equal(created.status, 201);
    assert.deepEqual({ ...proxyFields(created.json), listen: undefined }, { name: 'crud', listen: undefined, upstream: echo.address, enabled: true, toxics: [] });
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
    assert.deepEqual({ status: again.status, json: again.json }, { status: 409, json: { error: 'proxy already exists', status: 409 } });
    await assert.rejects(client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: echo.address }), /409/);
    await assert.rejects(client.get('nope'), /404/);
    assert.equal((await raw('DELETE', '/proxies/nope')).status, 404);
    assert.equal((await raw('POST', '/proxies/nope', { enabled: false })).status, 404);
    assert.equal((await raw('GET', '/proxies/nope/toxics')).status, 404);
    await client.get('dup').then((p) => p.remove());
  });

  test('400 for a bad body or a missing field, as JSON in a text/plain body', async () => {
    const bad = [
      '{not json',
      '[]',
      '',
      { listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'x', listen: '127.0.0.1:0' },
      { name: 'x', listen: '127.0.0.1:0', upstream: echo.address, enabled: 'yes' },
      { name: 5, listen: '127.0.0.1:0', upstream: echo.address },
    ];
    for (const body of bad) {
      const res = await raw('POST', '/proxies', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json?.status, 400);
      assert.equal(typeof res.json?.error, 'string');
      assert.equal(res.contentType, 'text/plain; charset=utf-8');
    }
    assert.equal((await raw('POST', '/proxies', { name: 'y', upstream: echo.address })).json?.error, undefined, 'listen may be left out');
    assert.equal((await raw('POST', '/proxies', { name: 'z', listen: 'nonsense', upstream: echo.address })).status, 500, 'a listen address that cannot be listened on');
    await raw('DELETE', '/proxies/y');
    assert.deepEqual(await client.getAll(), {}, 'nothing else was created');
  });

  if (kind === 'bundled') {
    test('deliberate difference: only loopback addresses, with a message that says how to allow others', async () => {
      for (const body of [
        { name: 'x', listen: '0.0.0.0:0', upstream: echo.address },
        { name: 'x', listen: '127.0.0.1:0', upstream: '10.1.2.3:80' },
        { name: 'x', listen: '127.0.0.1:0', upstream: 'no-port' },
      ]) {
        const res = await raw('POST', '/proxies', body);
        assert.equal(res.status, 400, JSON.stringify(body));
      }
      await client.createProxy({ name: 'lo', listen: '127.0.0.1:0', upstream: echo.address });
      const update = await raw('PATCH', '/proxies/lo', { upstream: '10.1.2.3:80' });
      assert.equal(update.status, 400);
      assert.match(String(update.json?.error), /not a loopback address.*meshbench toxiproxy --allow-non-loopback.*real toxiproxy-server/);
      assert.equal((await client.get('lo')).upstream, echo.address, 'a refused update changes nothing');
      await (await client.get('lo')).remove();
      const omitted = await raw('POST', '/proxies', { name: 'nolisten', upstream: echo.address });
      assert.match(String(omitted.json?.listen), /^127\.0\.0\.1:\d+$/, 'no listen address means loopback, not every interface');
      await raw('DELETE', '/proxies/nolisten');
    });
  }

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

    const partlyBad = await raw('POST', '/populate', [
      { name: 'p4', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'p5', listen: '127.0.0.1:0' },
    ]);
    assert.deepEqual(partlyBad.json, { error: 'missing required field: upstream at proxy 2', status: 400, proxies: null });
    assert.deepEqual(Object.keys(await client.getAll()).sort(), ['p1', 'p2'], 'a rejected populate changes nothing');
    assert.deepEqual((await raw('POST', '/populate', [])).json, { proxies: null });

    const dupes = await raw('POST', '/populate', [
      { name: 'p3', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'p3', listen: '127.0.0.1:0', upstream: echo.address },
    ]);
    assert.equal(dupes.status, 201, 'a later entry with the same name replaces the earlier one');
    assert.deepEqual((dupes.json?.proxies as Array<{ enabled: boolean }>).map((p) => p.enabled), [false, true]);
    assert.deepEqual(Object.keys(await client.getAll()).sort(), ['p1', 'p2', 'p3']);
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
    assert.deepEqual({ status: dup.status, json: dup.json }, { status: 409, json: { error: 'toxic already exists', status: 409 } });

    assert.equal((await raw('GET', '/proxies/errs/toxics/none')).status, 404);
    assert.equal((await raw('DELETE', '/proxies/errs/toxics/none')).status, 404);
    assert.equal((await raw('POST', '/proxies/errs/toxics/none', { attributes: { latency: 5 } })).status, 404);
    assert.equal((await raw('POST', '/proxies/nope/toxics', body)).status, 404);

    const bad = [
      '{',
      { type: 'earthquake' },
      { type: 'latency', stream: 'sideways' },
      { type: 'latency', stream: 'UP' },
      { name: 'no-type' },
      { type: 'latency', toxicity: 'all' },
      { type: 'latency', attributes: { latency: 'slow' } },
      { type: 'latency', attributes: { latency: 1.5 } },
    ];
    for (const b of bad) {
      const res = await raw('POST', '/proxies/errs/toxics', b);
      assert.equal(res.status, 400, JSON.stringify(b));
    }
    const stream = await raw('POST', '/proxies/errs/toxics', { type: 'earthquake', stream: 'sideways' });
    assert.equal(stream.json?.error, 'stream was invalid, can be either upstream or downstream', 'the stream is checked before the type');

    // What toxiproxy-server accepts, the bundled one accepts too.
    const accepted = [
      { name: 'a1', type: 'slicer', attributes: { average_size: 10, size_variation: 10 } },
      { name: 'a2', type: 'slicer', attributes: { average_size: 10, size_variation: 20 } },
      { name: 'a3', type: 'latency', toxicity: 2 },
      { name: 'a4', type: 'latency', toxicity: -1 },
      { name: 'a5', type: 'bandwidth', attributes: { rate: -1 } },
      { name: 'a6', type: 'latency', attributes: { latency: -5, unknown: 3 } },
    ];
    for (const b of accepted) {
      const res = await raw('POST', '/proxies/errs/toxics', b);
      assert.equal(res.status, 200, JSON.stringify(b));
      assert.equal(res.json?.name, b.name);
      await raw('DELETE', `/proxies/errs/toxics/${b.name}`);
    }
    assert.equal((await raw('POST', '/proxies/errs/toxics/t', { attributes: { latency: 'x' } })).status, 400);
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

  test('browsers are refused; unknown routes are 404; wrong methods are 405; all as Go answers them', async () => {
    const browser = await raw('GET', '/proxies', undefined, { 'user-agent': 'Mozilla/5.0' });
    assert.deepEqual([browser.status, browser.contentType, browser.text], [403, 'text/plain; charset=utf-8', 'User agent not allowed\n']);
    const unknown = await raw('GET', '/nothing');
    assert.deepEqual([unknown.status, unknown.contentType, unknown.text], [404, 'text/plain; charset=utf-8', '404 page not found\n']);
    const method = await raw('PUT', '/proxies');
    assert.deepEqual([method.status, method.text], [405, '']);
    assert.equal((await raw('GET', '/proxies/%zz')).status, 400);
  });
});
}
