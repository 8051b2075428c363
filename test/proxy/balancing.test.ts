import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import type { BalancerKind } from '../../src/scenario/types.ts';
import { onQuietMachine } from '../fixtures/quiet-machine.ts';
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

// A paused process reads as a slow endpoint to a latency-aware balancer: under hypervisor steal a
// fast endpoint's 4 ms can read as 30, and CI saw the slow one get 18 %. The tight bound is judged
// on a quiet measurement; the loose one — clearly below round-robin's third — on every one.
async function checkAvoidsSlow(balancer: BalancerKind, quietMax: number, alwaysMax: number): Promise<void> {
  const described = (share: number) => `${balancer}: slow endpoint got ${(share * 100).toFixed(1)} %`;
  const { value: share } = await onQuietMachine(
    () => shareOfSlow(balancer),
    (s) => assert.ok(s < quietMax, described(s)),
  );
  assert.ok(share < alwaysMax, described(share));
}

test('p2c-ewma sends an endpoint slowed 10x under 10 % of requests', async () => {
  await checkAvoidsSlow('p2c-ewma', 0.1, 0.25);
});

test('least-pending also avoids the slow endpoint', async () => {
  await checkAvoidsSlow('least-pending', 0.25, 0.3);
});

test('round-robin gives the slow endpoint its full third', async () => {
  const share = await shareOfSlow('round-robin');
  assert.ok(share > 0.3 && share < 0.37, `slow endpoint got ${(share * 100).toFixed(1)} %`);
});
