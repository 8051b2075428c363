// One warm generator serves every step of a sweep: loads run one after another on the same
// process, a collapsing step can be cut short, a generator that dies is replaced, and nothing
// outlives the sweep's teardown.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SweepLoadgen } from '../../src/capacity/sweep-loadgen.ts';
import type { LoadgenConfig } from '../../src/load/types.ts';
import { Teardown } from '../../src/runtime/teardown.ts';

const servers: http.Server[] = [];
after(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function server(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

function config(target: string, rate: number, durationS: number): LoadgenConfig {
  return {
    targets: [target],
    hostHeader: null,
    seed: 1,
    load: {
      rate,
      arrival: 'constant',
      warmupS: 0.2,
      warmupMaxS: 0.2,
      warmupRequests: 0,
      durationS,
      ramp: null,
      maxInFlight: 100,
      timeoutMs: 1000,
      method: 'GET',
      path: '/',
      classes: [],
      generators: 1,
    },
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const quiet = { onMeasureStart() {}, onWindow() {} };

test('steps run one after another on one warm generator; one cut short still reports what it measured', { timeout: 60_000 }, async () => {
  const target = await server((_req, res) => res.end('ok'));
  const teardown = new Teardown();
  const loadgen = new SweepLoadgen(teardown);
  const first = await loadgen.run(config(target, 100, 1), quiet, 20_000);
  const pid = loadgen.pid!;
  let measureStarts = 0;
  const windows: number[] = [];
  const second = await loadgen.run(
    config(target, 200, 1),
    {
      onMeasureStart: () => measureStarts++,
      onWindow: (w) => windows.push(w.t),
    },
    20_000,
  );
  assert.deepEqual([first.requests.ok, second.requests.ok], [100, 200]);
  assert.equal(loadgen.pid, pid, 'the same process ran both');
  assert.deepEqual([measureStarts, windows], [1, [0]]);

  const t0 = performance.now();
  const cut = loadgen.run(config(target, 100, 10), { onMeasureStart() {}, onWindow: () => loadgen.stopLoad() }, 20_000);
  const cutResult = await cut;
  assert.ok(performance.now() - t0 < 5000, 'stopped after its first window, not after 10 s');
  assert.ok(cutResult.measuredMs < 3000 && cutResult.requests.ok > 0);
  await teardown.run();
  assert.equal(alive(pid), false, 'the teardown stops the generator');
});

test('a generator that dies fails its step and is replaced for the next', { timeout: 60_000 }, async () => {
  const target = await server((_req, res) => res.end('ok'));
  const teardown = new Teardown();
  const loadgen = new SweepLoadgen(teardown);
  const dying = loadgen.run(config(target, 100, 5), { onMeasureStart: () => process.kill(loadgen.pid!, 'SIGKILL'), onWindow() {} }, 20_000);
  await assert.rejects(dying, /the load generator exited \(code null, signal SIGKILL\) during a step/);
  const next = await loadgen.run(config(target, 100, 1), quiet, 20_000);
  assert.equal(next.requests.ok, 100);
  await loadgen.close();
  assert.equal(loadgen.pid, null);
  await teardown.run();
});
