// The proxy under abuse, as a separate process whose memory is read from /proc: one connection
// pipelining 10 000 GETs is bounded (it cannot eject the endpoints, starve other clients or take
// the proxy's memory), the default maxPending is justified (its memory at the bound, and the
// shipped scenarios' Little's-law peak below it), RFC 9112's rules on Host and the request line
// hold, a huge propagated deadline is capped, and a bounded HTTP/1.1 fuzz neither crashes the
// proxy nor grows its memory.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MAX_IN_FLIGHT_PER_CONNECTION } from '../../proxy/src/admission/connection-limits.ts';
import { PROXY_ERROR_HEADER } from '../../proxy/src/proxy-error.ts';
import { seededRng } from '../../src/core/rng.ts';
import { startChild, type Child } from '../../src/runtime/child.ts';
import { DEFAULT_MESH } from '../../src/scenario/defaults.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { closeClientAgent, proxyConfig, request, respondAfter, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

type ProxyEvent = { type: 'ready'; port: number; adminPort: number };

let dir: string;
let slow: Upstream;
let stalled: Upstream;
let echo: Upstream;
let proxy: Child<never, ProxyEvent>;
let port: number;
const held: Array<() => void> = [];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'meshbench-abuse-'));
  slow = await startUpstream(respondAfter(20));
  stalled = await startUpstream((_req, res) => held.push(() => res.writeHead(200).end('late')));
  echo = await startUpstream((req, res) => res.end(JSON.stringify({ url: req.url, host: req.headers.host, deadline: req.headers['x-meshbench-deadline-ms'] ?? null })));
  const config = path.join(dir, 'proxy.json');
  const mesh = testMesh({ retry: { ...testMesh().retry, enabled: false }, breaker: { ...testMesh().breaker, consecutiveFailures: 5 } });
  await writeFile(config, JSON.stringify(proxyConfig(mesh, { slow: [slow], stalled: [stalled], echo: [echo] })));
  proxy = startChild<never, ProxyEvent>('proxy/main.ts', { label: 'mesh-proxy', args: ['--config', config] });
  port = (await proxy.next('ready', 20_000)).port;
});
after(async () => {
  for (const release of held) release();
  closeClientAgent();
  await proxy.stop();
  await Promise.all([slow, stalled, echo].map((u) => u.close()));
  await rm(dir, { recursive: true, force: true });
});

async function rssMb(): Promise<number> {
  const status = await readFile(`/proc/${proxy.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/** Writes raw bytes on one connection; resolves with everything read until the proxy closes it. */
function raw(bytes: string | Buffer, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (reply += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(reply));
    setTimeout(() => socket.destroy(), timeoutMs).unref();
  });
}

test('10 000 pipelined GETs on one connection: bounded work, other clients unharmed, memory bounded', async () => {
  const rssBefore = await rssMb();
  const hitsBefore = slow.hits;
  const flood = raw('GET / HTTP/1.1\r\nhost: slow\r\n\r\n'.repeat(10_000));
  const others: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const r = await request(port, 'slow');
    others.push(performance.now() - t0);
    assert.equal(r.status, 200, 'another client is served');
  }
  const reply = await flood;
  const oks = reply.match(/^HTTP\/1\.1 200/gm)?.length ?? 0;
  const refusals = reply.match(/x-meshbench-proxy-error: pipeline-limit/g)?.length ?? 0;
  assert.ok(oks <= MAX_IN_FLIGHT_PER_CONNECTION, `${oks} answered 200`);
  assert.ok(refusals >= 1, 'the connection was told it pipelined too much, and closed');
  assert.ok(slow.hits - hitsBefore <= MAX_IN_FLIGHT_PER_CONNECTION + 10, `${slow.hits - hitsBefore} requests reached the upstream`);
  assert.ok(Math.max(...others) < 1_000, `other clients waited up to ${Math.max(...others).toFixed(0)} ms`);
  const growth = (await rssMb()) - rssBefore;
  assert.ok(growth < 64, `proxy RSS grew ${growth.toFixed(1)} MB`);
  assert.equal((await request(port, 'slow')).status, 200, 'no endpoint was ejected');
});

test('maxPending defaults to 1024: at the bound the 1025th request is shed at once and memory stays bounded', async () => {
  assert.equal(DEFAULT_MESH.maxPending, 1024);
  const rssBefore = await rssMb();
  // Over 64 connections (under the per-connection bound), 1024 requests wait on a stalled upstream.
  const sockets: net.Socket[] = [];
  for (let c = 0; c < 64; c++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.write('GET / HTTP/1.1\r\nhost: stalled\r\n\r\n'.repeat(16));
    sockets.push(s);
  }
  const t0 = performance.now();
  while (stalled.hits < 1024 && performance.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
  assert.equal(stalled.hits, 1024);
  const shedAt = performance.now();
  const shed = await request(port, 'stalled');
  assert.equal(shed.status, 503);
  assert.equal(shed.headers[PROXY_ERROR_HEADER], 'shed');
  assert.ok(performance.now() - shedAt < 500);
  const growth = (await rssMb()) - rssBefore;
  assert.ok(growth < 64, `1024 pending requests grew the proxy's RSS by ${growth.toFixed(1)} MB`);
  for (const release of held.splice(0)) release();
  for (const s of sockets) s.destroy();
});

test('the default maxPending is above the Little’s-law peak of every shipped scenario with a mesh timeout', async () => {
  const root = path.join(import.meta.dirname, '../..');
  const files = (await readdir(path.join(root, 'scenarios'))).filter((f) => f.endsWith('.yaml'));
  let checked = 0;
  for (const f of files) {
    const s = parseScenario(await readFile(path.join(root, 'scenarios', f), 'utf8'), f);
    if (s.mesh.timeoutMs === null) continue;
    // Pending per destination ≤ arrival rate × (1 + retry budget) × the longest a request may wait.
    const peak = Math.max(s.load.rate, s.load.ramp?.fromRate ?? 0) * (1 + s.mesh.retry.budget.percentCanRetry) * (s.mesh.timeoutMs / 1000) + s.mesh.retry.budget.minRetriesPerSec * (s.mesh.timeoutMs / 1000);
    assert.ok(peak <= DEFAULT_MESH.maxPending!, `${f}: peak ${peak.toFixed(0)} pending`);
    checked++;
  }
  assert.ok(checked >= 3, `${checked} scenarios checked`);
});

test('RFC 9112: two Host headers and a host-less HTTP/1.1 request are 400; an absolute-form target routes by its host', async () => {
  assert.match(await raw('GET / HTTP/1.1\r\nhost: echo\r\nhost: slow\r\n\r\n'), /^HTTP\/1\.1 400 .*x-meshbench-proxy-error: bad-request/s);
  assert.match(await raw('GET / HTTP/1.1\r\n\r\n'), /^HTTP\/1\.1 400 /);
  const absolute = await raw('GET http://echo:4140/users/7?x=1 HTTP/1.1\r\nhost: slow\r\nconnection: close\r\n\r\n');
  assert.match(absolute, /^HTTP\/1\.1 200 /);
  const body = JSON.parse(absolute.slice(absolute.indexOf('\r\n\r\n') + 4)) as { url: string; host: string };
  assert.deepEqual([body.url, body.host], ['/users/7?x=1', 'echo:4140'], 'the target’s host wins over the Host header');
  assert.match(await raw('GET https://echo/ HTTP/1.1\r\nhost: echo\r\n\r\n'), /^HTTP\/1\.1 400 /);
});

test('an HTTP/0.9 request line gets no HTTP/1.1 answer: the connection is closed', async () => {
  assert.equal(await raw('GET /\r\n\r\n', 3000), '');
});

test('a propagated deadline of 9 999 999 999 ms is capped, not overflowed into an instant 504', async () => {
  const r = await request(port, 'echo', { headers: { 'x-meshbench-deadline-ms': '9999999999' } });
  assert.equal(r.status, 200);
  assert.ok(Number((JSON.parse(r.body) as { deadline: string }).deadline) <= 2 ** 31 - 1);
});

test('a bounded HTTP/1.1 fuzz (request lines, headers, chunking, resets) neither crashes the proxy nor grows it', async () => {
  const rng = seededRng(2026);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'G\u0000T', '', 'GET GET'];
  const targets = ['/', '/x?y=1', '*', 'http://echo/', 'http://slow:1/a', '//double', '/%zz', `/${'a'.repeat(9000)}`, 'echo', 'http://[::1', ''];
  const versions = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1 extra', 'http/1.1', ''];
  const headers = ['host: echo', 'host: slow', 'Host: ECHO', 'host:', 'transfer-encoding: chunked', 'content-length: 5', 'content-length: -1', 'content-length: 5\r\ncontent-length: 6', 'transfer-encoding: gzip, chunked', 'x-meshbench-deadline-ms: 1e400', 'x-meshbench-deadline-ms: -5', 'connection: close', 'expect: 100-continue', 'bad header: x', `x-long: ${'b'.repeat(20_000)}`, 'upgrade: websocket\r\nconnection: upgrade'];
  const bodies = ['', 'hello', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nnot-hex\r\n', '5\r\nhel', '0\r\n\r\n'];
  const rssBefore = await rssMb();
  const rounds = 400;
  const t0 = performance.now();
  for (let i = 0; i < rounds && performance.now() - t0 < 60_000; i += 8) {
    await Promise.all(
      Array.from({ length: 8 }, () => {
        const head = [`${pick(methods)} ${pick(targets)} ${pick(versions)}`.trim(), ...Array.from({ length: Math.floor(rng.next() * 4) }, () => pick(headers))].join('\r\n');
        const message = `${head}\r\n\r\n${pick(bodies)}`;
        const bytes = rng.next() < 0.2 ? Buffer.from(message).subarray(0, Math.floor(rng.next() * message.length)) : Buffer.from(message);
        return new Promise<void>((resolve) => {
          const socket = net.connect(port, '127.0.0.1', () => {
            socket.write(bytes);
            // A third of the clients reset the connection mid-way.
            if (rng.next() < 0.33) setTimeout(() => socket.resetAndDestroy(), Math.floor(rng.next() * 20));
          });
          socket.on('data', () => {});
          socket.on('error', () => {});
          socket.on('close', () => resolve());
          setTimeout(() => socket.destroy(), 1500).unref();
        });
      }),
    );
  }
  assert.equal(proxy.process.exitCode, null, `the proxy is alive; stderr: ${proxy.stderrTail()}`);
  assert.doesNotMatch(proxy.stderrTail(), /bug while serving/);
  const r = await request(port, 'echo');
  assert.equal(r.status, 200, 'and still serves');
  const growth = (await rssMb()) - rssBefore;
  assert.ok(growth < 64, `RSS grew ${growth.toFixed(1)} MB over the fuzz`);
});
