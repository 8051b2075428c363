import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import type { BalancerKind } from '../../src/scenario/types.ts';
import { closeClientAgent, drive, proxyConfig, request, respondAfter, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

const upstreams: Upstream[] = [];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  closeClientAgent();
});

async function shareOfSlow(balancer: BalancerKind): Promise<number> {
  const fast1 = await startUpstream(respondAfter(4));
  const fast2 = await startUpstream(respondAfter(4));
  const slow = await startUpstream(respondAfter(40));
  upstreams.push(fast1, fast2, slow);
  const proxy = await startProxy(
    proxyConfig(testMesh({ balancer, ewma: { decayMs: 10_000, defaultRttMs: 5 }, retry: { ...testMesh().retry, enabled: false } }), {
      users: [fast1, slow, fast2],
    }),
  );
  try {
    const replies = await drive(450, 6, () => request(proxy.port, 'users'));
    assert.ok(replies.every((r) => r.status === 200));
    return slow.hits / (fast1.hits + fast2.hits + slow.hits);
  } finally {
    await proxy.close();
  }
}

test('p2c-ewma sends an endpoint slowed 10x under 10 % of requests', async () => {
  const share = await shareOfSlow('p2c-ewma');
  assert.ok(share < 0.1, `slow endpoint got ${(share * 100).toFixed(1)} %`);
});

test('least-pending also avoids the slow endpoint', async () => {
  const share = await shareOfSlow('least-pending');
  assert.ok(share < 0.25, `slow endpoint got ${(share * 100).toFixed(1)} %`);
});

test('round-robin gives the slow endpoint its full third', async () => {
  const share = await shareOfSlow('round-robin');
  assert.ok(share > 0.3 && share < 0.37, `slow endpoint got ${(share * 100).toFixed(1)} %`);
});
