import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proxyError } from '../../proxy/src/proxy-error.ts';
import { backoffMs, isRetryable } from '../../proxy/src/retry/retry-policy.ts';
import type { ProxyResponse } from '../../proxy/src/service.ts';
import { seededRng } from '../../src/core/rng.ts';
import { defaultMeshConfig } from '../../proxy/src/default-mesh-config.ts';

const config = defaultMeshConfig().retry;
const upstream = (status: number): ProxyResponse => ({ status, headers: {}, body: Buffer.alloc(0), proxyError: null });

test('configured statuses are retried for idempotent methods only', () => {
  assert.equal(isRetryable(config, 'GET', upstream(503)), true);
  assert.equal(isRetryable(config, 'GET', upstream(500)), false);
  assert.equal(isRetryable(config, 'GET', upstream(200)), false);
  assert.equal(isRetryable(config, 'POST', upstream(503)), false);
  assert.equal(isRetryable({ ...config, retryNonIdempotent: true }, 'POST', upstream(503)), true);
});

test('a connection that failed before sending is retried even for POST', () => {
  assert.equal(isRetryable(config, 'POST', proxyError('upstream-unreachable')), true);
  assert.equal(isRetryable(config, 'POST', proxyError('upstream-reset')), false);
  assert.equal(isRetryable(config, 'GET', proxyError('upstream-reset')), true);
});

test("the proxy's own refusals are never retried", () => {
  for (const reason of ['shed', 'all-endpoints-ejected', 'deadline-exceeded', 'no-subset-endpoint'] as const) {
    assert.equal(isRetryable(config, 'GET', proxyError(reason)), false, reason);
  }
});

test('backoff is jittered below an exponentially growing cap', () => {
  const rng = seededRng(3);
  const cfg = { ...config, backoff: { baseMs: 10, maxMs: 50 } };
  for (let i = 0; i < 200; i++) {
    for (const [retry, cap] of [[0, 10], [1, 20], [2, 40], [3, 50], [8, 50]] as const) {
      const d = backoffMs(cfg, retry, rng);
      assert.ok(d >= 0 && d < cap, `${retry}: ${d}`);
    }
  }
});
