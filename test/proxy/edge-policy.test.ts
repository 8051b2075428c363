// The edge's pure decisions: how RFC 9112 reads a request line and its Host, and how requests in
// flight are counted per connection and per client — no sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLimits } from '../../proxy/src/admission/connection-limits.ts';
import { requestTarget } from '../../proxy/src/server/request-target.ts';
import { DestinationMetrics } from '../../proxy/src/telemetry/proxy-metrics.ts';
import { deadlineFor, MAX_DEADLINE_MS } from '../../proxy/src/timeout/deadline.ts';
import { deadlineLayer } from '../../proxy/src/timeout/deadline-layer.ts';
import type { Clock } from '../../src/core/clock.ts';

const line = (url: string, rawHeaders: string[], version: [number, number] = [1, 1]) => ({ httpVersionMajor: version[0], httpVersionMinor: version[1], url, rawHeaders });

test('RFC 9112 request targets', () => {
  assert.deepEqual(requestTarget(line('/a?b', ['Host', 'users'])), { kind: 'route', host: 'users', path: '/a?b' });
  assert.deepEqual(requestTarget(line('http://users:8080/a?b', ['Host', 'other'])), { kind: 'route', host: 'users:8080', path: '/a?b' });
  assert.deepEqual(requestTarget(line('http://users', [])), { kind: 'route', host: 'users', path: '/' });
  assert.equal(requestTarget(line('/', ['Host', 'a', 'host', 'b'])).kind, 'bad-request');
  assert.equal(requestTarget(line('/', [])).kind, 'bad-request', 'HTTP/1.1 needs a Host');
  assert.deepEqual(requestTarget(line('/', [], [1, 0])), { kind: 'route', host: '', path: '/' }, 'HTTP/1.0 may leave it out');
  assert.equal(requestTarget(line('https://users/', ['Host', 'users'])).kind, 'bad-request');
  assert.equal(requestTarget(line('users/x', ['Host', 'users'])).kind, 'bad-request');
  assert.deepEqual(requestTarget(line('/', [], [0, 9])), { kind: 'close' });
});

test('in-flight bounds per connection and per client; a refusal is not counted', () => {
  const limits = new ConnectionLimits<object>({ perConnection: 2, perClient: 3 });
  const a = {};
  const b = {};
  assert.deepEqual([limits.enter(a, 'x'), limits.enter(a, 'x'), limits.enter(a, 'x')], ['ok', 'ok', 'pipeline-limit']);
  assert.deepEqual([limits.enter(b, 'x'), limits.enter(b, 'x')], ['ok', 'client-limit']);
  assert.equal(limits.enter({}, 'y'), 'ok', 'another client is not affected');
  limits.leave(a, 'x');
  assert.equal(limits.inFlight('x'), 2);
  assert.equal(limits.enter(b, 'x'), 'ok');
});

test('a propagated deadline is capped at what a timer can wait', () => {
  assert.equal(deadlineFor(1000, null, '9999999999'), 1000 + MAX_DEADLINE_MS);
  assert.equal(deadlineFor(1000, 50, '9999999999'), 1050);
  assert.equal(deadlineFor(1000, null, '250'), 1250);
});

test('a capped deadline never overflows the timer, even when the clock reads a fraction', async () => {
  // 410159.3373430084 + 2147483647 − 410159.3373430084 is 2147483647.0000002 in floating point: past the
  // timer range, which Node turns into 1 ms — an instant 504 without the clamp.
  const clock: Clock = { now: () => 410_159.337_343_008_4 };
  const service = deadlineLayer(null, clock, new DestinationMetrics('d'))(async () => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { status: 200, headers: {}, body: Buffer.from('ok'), proxyError: null };
  });
  const res = await service({ method: 'GET', path: '/', headers: { 'x-meshbench-deadline-ms': '9999999999' }, body: Buffer.alloc(0), deadlineAt: null, signal: new AbortController().signal });
  assert.equal(res.status, 200);
});
