import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { PROXY_ERROR_HEADER } from '../../proxy/src/proxy-error.ts';
import { startProxy, type RunningProxy } from '../../proxy/src/start-proxy.ts';
import { closeClientAgent, proxyConfig, request, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

let proxy: RunningProxy;
let good: Upstream;
let reset: Upstream;
let halfClose: Upstream;

before(async () => {
  good = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  reset = await startUpstream((req) => req.socket.resetAndDestroy());
  halfClose = await startUpstream((req) => req.socket.end());
  const mesh = testMesh({
    retry: { ...testMesh().retry, enabled: false },
    limits: { maxHeaderBytes: 4096, headerTimeoutMs: 300, idleTimeoutMs: 1000 },
  });
  proxy = await startProxy(proxyConfig(mesh, { good: [good], reset: [reset], halfclose: [halfClose] }));
});

after(async () => {
  await proxy.close();
  await Promise.all([good, reset, halfClose].map((u) => u.close()));
});

/** Writes raw bytes, returns what came back when the proxy closed the connection. */
function raw(bytes: string | Buffer, keepWriting?: (socket: net.Socket) => void): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = net.connect(proxy.port, '127.0.0.1', () => {
      socket.write(bytes);
      keepWriting?.(socket);
    });
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (reply += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve({ reply, closedAfterMs: performance.now() - t0 }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the proxy kept the connection open; got ${JSON.stringify(reply)}`));
    }, 5000).unref();
  });
}

test('oversized headers are answered 431 and the connection closed', async () => {
  const { reply } = await raw(`GET / HTTP/1.1\r\nhost: good\r\nx-big: ${'a'.repeat(8000)}\r\n\r\n`);
  assert.match(reply, /^HTTP\/1\.1 431/);
});

test('garbage bytes are answered 400 and the connection closed', async () => {
  const { reply } = await raw(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]));
  assert.match(reply, /^HTTP\/1\.1 400/);
});

test('a slowloris client is cut off after the header timeout', async () => {
  let drip: NodeJS.Timeout | undefined;
  const { closedAfterMs } = await raw('GET / HTTP/1.1\r\nhost: good\r\n', (socket) => {
    drip = setInterval(() => socket.write('x-drip: 1\r\n'), 50);
  });
  clearInterval(drip);
  assert.ok(closedAfterMs >= 250 && closedAfterMs < 3000, `closed after ${closedAfterMs.toFixed(0)} ms`);
});

test('an upstream that resets the connection gives 502 upstream-reset', async () => {
  const r = await request(proxy.port, 'reset');
  assert.equal(r.status, 502);
  assert.equal(r.headers[PROXY_ERROR_HEADER], 'upstream-reset');
});

test('an upstream that half-closes without answering gives 502', async () => {
  const r = await request(proxy.port, 'halfclose');
  assert.equal(r.status, 502);
  assert.equal(r.headers[PROXY_ERROR_HEADER], 'upstream-reset');
});

test('after all that the proxy still serves, and holds no client connection', async () => {
  const r = await request(proxy.port, 'good');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok');
  closeClientAgent();
  const t0 = performance.now();
  while ((await proxy.openConnections()) > 0 && performance.now() - t0 < 2000) await new Promise((res) => setTimeout(res, 20));
  assert.equal(await proxy.openConnections(), 0);
  assert.ok(proxy.stats().counters.rejected_connections! >= 3);
});

test('closing the proxy leaves no connection open on its upstreams', async () => {
  const own = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  const other = await startProxy(proxyConfig(testMesh(), { good: [own] }));
  const sent = await Promise.all(Array.from({ length: 5 }, () => request(other.port, 'good')));
  assert.ok(sent.every((s) => s.status === 200));
  assert.ok((await own.connections()) > 0, 'the pool kept connections alive');
  await other.close();
  closeClientAgent();
  const t0 = performance.now();
  while ((await own.connections()) > 0 && performance.now() - t0 < 2000) await new Promise((res) => setTimeout(res, 20));
  assert.equal(await own.connections(), 0);
  await own.close();
});
