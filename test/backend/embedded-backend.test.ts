// The backend contract on the embedded backend, with real processes: what the runner relies on
// from any backend — load targets that answer, per-replica counters, replica handles that kill
// and restart, faults that name their mechanism, proxy stats, and a stop that removes it all.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { BackendRun } from '../../src/backend/contract.ts';
import { kubernetesBackend } from '../../src/backend/kubernetes/kubernetes-backend.ts';
import { embeddedBackend } from '../../src/backend/embedded/embedded-backend.ts';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { Ledger, newRunId } from '../../src/runtime/ledger.ts';
import { Teardown } from '../../src/runtime/teardown.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import type { FaultSpec } from '../../src/scenario/types.ts';

const scenario = parseScenario(
  `
name: contract
topology:
  services:
    - name: frontend
      calls: [{service: user-service}]
    - name: user-service
      replicas: 2
      serviceTime: 5ms
      pool: 4
load: {rate: 50, warmup: 0s, duration: 1s}
mesh: {port: 0, adminPort: 0}
`,
  'contract.yaml',
);

const teardown = new Teardown();
let ledger: Ledger;
let runDir: string;
let run: BackendRun;

before(async () => {
  runDir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-backend-'));
  const runId = newRunId();
  ledger = Ledger.open(runId);
  run = await embeddedBackend.open(scenario, { runId, runDir, teardown, ledger, toxiproxyUrl: null, cpuPinning: 'off' });
});

after(async () => {
  await teardown.run();
  ledger.close();
  await rm(runDir, { recursive: true, force: true });
});

/** One GET; node:http, because fetch may not set the Host header the proxy routes by. */
function get(url: string, host: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: host ? { host } : {}, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

test('the scenario selects the embedded backend; describe() adds no cluster', async () => {
  assert.equal(selectBackend(scenario), embeddedBackend);
  assert.deepEqual(await run.describe(), {});
});

test('a kubernetes scenario selects the kubernetes backend', () => {
  const k8s = parseScenario(`backend: kubernetes\ntopology: {services: [{name: a}]}\nload: {rate: 1, duration: 1s}\n`, 'k8s.yaml');
  assert.equal(selectBackend(k8s), kubernetesBackend);
});

test('direct arm: targets answer, every replica is counted, handles kill and restart one replica', async () => {
  const arm = await run.startArm('direct');
  try {
    assert.equal(arm.hostHeader, null);
    assert.equal(arm.loadTargets.length, 1);
    assert.equal(await get(arm.loadTargets[0]!, null), 200);
    const counters = await arm.sampleServices();
    assert.deepEqual([...counters.keys()].sort(), ['frontend#0', 'user-service#0', 'user-service#1']);
    assert.equal(counters.get('frontend#0')!.arrivals, 1);
    assert.equal(counters.get('user-service#0')!.arrivals + counters.get('user-service#1')!.arrivals, 1);
    assert.equal(await arm.proxyStats(), null);

    assert.equal(arm.replicas('user-service').length, 2);
    const [second] = arm.replicas('user-service', 1);
    assert.equal(second!.index, 1);
    await second!.kill();
    assert.deepEqual([...(await arm.sampleServices()).keys()].sort(), ['frontend#0', 'user-service#0']);
    await second!.restart();
    assert.deepEqual([...(await arm.sampleServices()).keys()].sort(), ['frontend#0', 'user-service#0', 'user-service#1']);
    for (let i = 0; i < 4; i++) assert.equal(await get(arm.loadTargets[0]!, null), 200);
  } finally {
    await arm.stop();
  }
  await assert.rejects(get(arm.loadTargets[0]!, null), 'the arm is gone after stop()');
});

test('meshed arm: the load reaches the entry through the proxy, faults name their mechanism, proxy stats count both hops', async () => {
  const arm = await run.startArm('meshed');
  try {
    assert.equal(arm.hostHeader, 'frontend');
    assert.equal(await get(arm.loadTargets[0]!, arm.hostHeader), 200);
    const lock: FaultSpec = { kind: 'db-lock', name: 'lock', target: { kind: 'service', service: 'user-service', replica: null }, atMs: 0, durationMs: 300 };
    const fault = await arm.startFault(lock);
    assert.match(fault.mechanism, /simulated table lock for 300 ms on 2 replica/);
    const t0 = performance.now();
    assert.equal(await get(arm.loadTargets[0]!, arm.hostHeader), 200);
    assert.ok(performance.now() - t0 >= 250, 'a request during the lock waits for it');
    await fault.stop();
    const stats = (await arm.proxyStats())!;
    assert.equal(stats.counters.requests, 4, 'two requests, each frontend + user-service through the proxy');
    assert.equal(stats.processes.length, 1, 'the embedded backend runs one proxy process');
    assert.match(stats.processes[0]!.name, /^mesh-proxy \(pid \d+\)$/);
    assert.equal(stats.processes[0]!.node, null);
    assert.ok(stats.processes[0]!.rssBytes! > 0 && stats.processes[0]!.cpuSeconds! > 0, JSON.stringify(stats.processes));
    assert.equal(stats.counters.process_resident_memory_bytes, undefined, 'memory is per process, not a counter to sum');
  } finally {
    await arm.stop();
  }
});

test('startLoad runs the open-loop schedule against the arm and reports measure-start and windows', async () => {
  const arm = await run.startArm('direct');
  let measureStarts = 0;
  let windows = 0;
  try {
    const load = await arm.startLoad(
      { targets: arm.loadTargets, hostHeader: arm.hostHeader, load: scenario.load, seed: 1 },
      { measureStart: () => measureStarts++, window: () => windows++ },
    );
    const result = await load.done;
    await load.stop();
    assert.equal(measureStarts, 1);
    assert.ok(windows >= 1);
    assert.equal(result.requests.scheduled, 50);
    assert.equal(result.requests.ok, 50);
  } finally {
    await arm.stop();
  }
});
