// The closed-loop probe bounds every ramp: against a server of known capacity it must find that
// capacity (counting only after the loop filled up), with enough connections to saturate it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeConnections, probeSaturation } from '../../src/capacity/probe.ts';

const servers: http.Server[] = [];
after(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

test('connections: four per pool slot, at least 16, at most 512, a multiple of the targets', () => {
  assert.equal(probeConnections(1, 8, 1), 32);
  assert.equal(probeConnections(1, 2, 1), 16);
  assert.equal(probeConnections(3, 8, 2), 96);
  assert.equal(probeConnections(3, 8, 5), 100);
  assert.equal(probeConnections(64, 64, 1), 512);
});

test('against a server of 4 slots × 50 ms (80 rps) the probe measures its saturation, 2xx only', { timeout: 30_000 }, async () => {
  let busy = 0;
  const waiting: Array<() => void> = [];
  const s = http.createServer((_req, res) => {
    const serve = () => {
      busy++;
      setTimeout(() => {
        busy--;
        res.end('ok');
        waiting.shift()?.();
      }, 50);
    };
    if (busy < 4) serve();
    else waiting.push(serve);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  const result = await probeSaturation({ targets: [target], hostHeader: null, method: 'GET', path: '/', connections: probeConnections(1, 4, 1), durationS: 3 });
  assert.ok(result.okRps > 80 * 0.85 && result.okRps <= 80 * 1.05, `saturation ${result.okRps} rps vs 80 by construction`);
  assert.deepEqual([result.non2xx, result.errors, result.connections], [0, 0, 16]);
});
