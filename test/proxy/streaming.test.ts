// What a user of the mesh relies on for bodies: a large or slow response reaches the client as it
// is produced (not after the proxy has held it whole), any size passes intact, a small request
// body is resent byte for byte on a retry, a large one streams once and is never retried, and an
// upstream that breaks mid-body cuts the client's response instead of passing for complete.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { after, test } from 'node:test';
import { REPLAYABLE_BODY_BYTES } from '../../proxy/src/server/request-body.ts';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import { proxyConfig, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

const upstreams: Upstream[] = [];
after(() => Promise.all(upstreams.map((u) => u.close())));

const noBreaker = { ...testMesh().breaker, enabled: false };
const retryPosts = { ...testMesh().retry, retryNonIdempotent: true, maxRetries: 1, backoff: { baseMs: 0, maxMs: 0 } };

/** Resolves on the first response from the proxy, with its headers; the body is read by the caller. */
function open(port: number, options: { method?: string; headers?: http.OutgoingHttpHeaders } = {}): { req: http.ClientRequest; response: Promise<http.IncomingMessage> } {
  const req = http.request({ host: '127.0.0.1', port, path: '/', method: options.method ?? 'GET', agent: false, headers: { ...options.headers, host: 'users' } });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  return { req, response };
}

/** A GET through the proxy, resolved at the response's headers. */
function get(port: number): Promise<http.IncomingMessage> {
  const { req, response } = open(port);
  req.end();
  return response;
}

/** A POST of `body` in two writes (so it is on the wire in pieces), announced or chunked. */
function post(port: number, body: Buffer, announce: boolean): Promise<http.IncomingMessage> {
  const { req, response } = open(port, { method: 'POST', headers: announce ? { 'content-length': body.length } : { 'transfer-encoding': 'chunked' } });
  req.write(body.subarray(0, 1000));
  req.end(body.subarray(1000));
  return response;
}

function readAll(res: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a response reaches the client while the upstream is still sending it', { timeout: 20_000 }, async () => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const up = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-length': 2 * 65536 });
    res.write(Buffer.alloc(65536, 'a'));
    void held.then(() => res.end(Buffer.alloc(65536, 'b')));
  });
  upstreams.push(up);
  const proxy = await startProxy(proxyConfig(testMesh(), { users: [up] }));
  try {
    const res = await get(proxy.port);
    assert.equal(res.headers['content-length'], String(2 * 65536), 'the announced length is forwarded');
    const first = await new Promise<Buffer>((resolve) => res.once('data', resolve));
    assert.equal(first[0], 'a'.charCodeAt(0), 'the first half arrived before the upstream sent the second');
    release();
    const rest = await readAll(res);
    assert.equal(first.length + rest.length, 2 * 65536);
    assert.equal(rest.at(-1), 'b'.charCodeAt(0));
  } finally {
    release();
    await proxy.close();
  }
});

test('a 24 MiB response, chunked and without a length, passes through intact', { timeout: 20_000 }, async () => {
  const payload = Buffer.alloc(24 * 1024 * 1024);
  for (let i = 0; i < payload.length; i += 4096) payload.writeUInt32BE(i, i);
  const up = await startUpstream((_req, res) => {
    res.writeHead(200);
    for (let i = 0; i < payload.length; i += 1 << 20) res.write(payload.subarray(i, i + (1 << 20)));
    res.end();
  });
  upstreams.push(up);
  const proxy = await startProxy(proxyConfig(testMesh(), { users: [up] }));
  try {
    const res = await get(proxy.port);
    assert.equal(res.statusCode, 200);
    const body = await readAll(res);
    assert.equal(body.length, payload.length);
    assert.equal(sha(body), sha(payload));
  } finally {
    await proxy.close();
  }
});

test('a large request body reaches the endpoint before the client has finished sending it', { timeout: 20_000 }, async () => {
  let seen = 0;
  let firstBytes: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (firstBytes = resolve));
  const up = await startUpstream((req, res) => {
    req.on('data', (c: Buffer) => {
      seen += c.length;
      firstBytes();
    });
    req.on('end', () => res.writeHead(200).end(String(seen)));
  });
  upstreams.push(up);
  const proxy = await startProxy(proxyConfig(testMesh(), { users: [up] }));
  try {
    const total = 4 * REPLAYABLE_BODY_BYTES;
    const { req, response } = open(proxy.port, { method: 'POST', headers: { 'content-length': total } });
    req.write(Buffer.alloc(total / 2, 'x'));
    await arrived; // would never resolve if the proxy held the body until its end
    req.end(Buffer.alloc(total / 2, 'y'));
    const res = await response;
    assert.equal(res.statusCode, 200);
    assert.equal(String(await readAll(res)), String(total), 'every byte arrived');
  } finally {
    await proxy.close();
  }
});

/** An upstream that answers 503 to every first attempt and echoes the body's hash on the second. */
async function failOnceUpstream(): Promise<Upstream & { bodies: string[] }> {
  const bodies: string[] = [];
  const up = await startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(sha(Buffer.concat(chunks)));
      if (bodies.length % 2 === 1) res.writeHead(503).end('try again');
      else res.writeHead(200).end(bodies.at(-1));
    });
  });
  return Object.assign(up, { bodies });
}

test('a request body up to 64 KiB is resent byte for byte on a retry, with or without a length', { timeout: 20_000 }, async () => {
  const up = await failOnceUpstream();
  upstreams.push(up);
  const proxy = await startProxy(proxyConfig(testMesh({ retry: retryPosts, breaker: noBreaker }), { users: [up] }));
  try {
    for (const announce of [true, false]) {
      const body = Buffer.alloc(REPLAYABLE_BODY_BYTES, announce ? 'l' : 'c');
      const res = await post(proxy.port, body, announce);
      assert.equal(res.statusCode, 200, `${announce ? 'announced' : 'chunked'} body: the retry succeeded`);
      assert.equal(String(await readAll(res)), sha(body), 'the retry carried the same bytes');
    }
    assert.equal(up.bodies.length, 4);
    assert.equal(proxy.stats().counters.retries, 2);
  } finally {
    await proxy.close();
  }
});

test('a request with a body over 64 KiB streams once and is not retried, with or without a length', { timeout: 20_000 }, async () => {
  const up = await failOnceUpstream();
  upstreams.push(up);
  const proxy = await startProxy(proxyConfig(testMesh({ retry: retryPosts, breaker: noBreaker }), { users: [up] }));
  try {
    for (const announce of [true, false]) {
      const body = Buffer.alloc(REPLAYABLE_BODY_BYTES + 1, 'z');
      const res = await post(proxy.port, body, announce);
      assert.equal(res.statusCode, 503, 'the upstream’s own answer, not a retry');
      assert.equal(String(await readAll(res)), 'try again');
      assert.equal(up.bodies.at(-1), sha(body), 'the endpoint got the whole body once');
      up.bodies.push('(next request starts on a first attempt)');
    }
    assert.equal(proxy.stats().counters.retries, 0);
  } finally {
    await proxy.close();
  }
});

test('an upstream that breaks mid-body cuts the client’s response; the proxy serves the next request', { timeout: 20_000 }, async () => {
  let calls = 0;
  const up = await startUpstream((_req, res) => {
    calls++;
    if (calls === 1) {
      res.writeHead(200, { 'content-length': 100_000 });
      res.write(Buffer.alloc(10_000, 'x'), () => setTimeout(() => res.socket?.destroy(), 20));
    } else res.writeHead(200).end('fine');
  });
  upstreams.push(up);
  const proxy = await startProxy(proxyConfig(testMesh(), { users: [up] }));
  try {
    const res = await get(proxy.port);
    assert.equal(res.statusCode, 200);
    await assert.rejects(readAll(res), 'the client sees the body cut short, not a complete response');
    const next = await get(proxy.port);
    assert.equal(String(await readAll(next)), 'fine');
  } finally {
    await proxy.close();
  }
});

test('a client that leaves mid-body releases the upstream connection', { timeout: 20_000 }, async () => {
  let upstreamClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
  const up = await startUpstream((_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write(Buffer.alloc(16_384, 'x')), 5);
    res.on('close', () => {
      clearInterval(timer);
      upstreamClosed();
    });
  });
  upstreams.push(up);
  const proxy = await startProxy(proxyConfig(testMesh(), { users: [up] }));
  try {
    const res = await get(proxy.port);
    await new Promise((resolve) => res.once('data', resolve));
    res.destroy();
    await closed; // an endless upstream body would hold its connection forever otherwise
    assert.equal(await up.connections(), 0);
  } finally {
    await proxy.close();
  }
});
