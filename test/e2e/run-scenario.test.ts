// End to end on the embedded backend: real service, proxy and load-generator processes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runScenario } from '../../src/runner/run-scenario.ts';
import { parseScenario } from '../../src/scenario/parse.ts';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function childPids(): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([, comm]) => comm !== 'ps')
      .map(([pid]) => Number(pid))
      .filter((pid) => pid > 0);
  } catch {
    return []; // ps exits 1 when no process matches
  }
}

test('a fixed 20 ms service: direct p50 in [20, 24] ms (or the run flags the machine), the proxy only adds, nothing survives the run', async (t) => {
  const scenario = parseScenario(
    `
name: e2e-fixed-20ms
seed: 3
repeats: 1
topology:
  services:
    - name: users
      replicas: 1
      serviceTime: 20ms
      pool: 64
load:
  rate: 100
  arrival: constant
  warmup: 1s
  duration: 3s
mesh:
  port: 0
  adminPort: 0
`,
    'e2e-inline.yaml',
  );
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-e2e-'));
  dirs.push(runDir);
  const before = childPids();
  const result = await runScenario(scenario, { runDir, quiet: true });

  const direct = result.arms.find((a) => a.name === 'direct')!;
  const meshed = result.arms.find((a) => a.name === 'meshed')!;
  // The service time bounds every success from below. On a quiet machine p50 is within 4 ms of
  // it; on a busy one (other work, late timers) it is not — and then the run must say so itself.
  assert.ok(direct.latencyMs.p50 >= 20, `direct p50 ${direct.latencyMs.p50} ms is below the 20 ms service time`);
  const machineDoubts = result.validity.reasons.filter((c) => c.scope === 'run' || c.scope === 'latency');
  if (machineDoubts.length === 0) assert.ok(direct.latencyMs.p50 <= 24, `direct p50 ${direct.latencyMs.p50} ms on a run that calls itself trustworthy`);
  else t.diagnostic(`direct p50 ${direct.latencyMs.p50} ms; the run flagged itself: ${machineDoubts.map((c) => c.message).join(' | ')}`);
  // The proxy only adds: a cost the run calls measurable is never negative.
  const p50Cost = result.steadyState?.cost?.p50;
  if (p50Cost?.measurable) assert.ok(p50Cost.addedMs >= 0, `measurable p50 cost ${p50Cost.addedMs} ms < 0`);
  for (const arm of [direct, meshed]) {
    assert.equal(arm.requests.scheduled, 300, `${arm.name}: 100 rps × 3 s scheduled`);
    assert.equal(arm.requests.ok, 300, `${arm.name}: every request succeeded`);
    assert.equal(arm.repeats[0]!.windows.length, 3);
    // The generator's median lateness is a fraction of a millisecond on a quiet machine (the
    // timer thread wakes it ~0.1 ms late); the hypervisor's steal or other work can push it
    // past that, and then the run has flagged the machine.
    if (machineDoubts.length === 0) assert.ok(arm.sendLatenessMs.p50 < 0.5, `${arm.name}: send lateness p50 ${arm.sendLatenessMs.p50} ms`);
  }
  assert.ok((meshed.proxy?.counters.requests ?? 0) >= 300, 'the meshed arm really went through the proxy');
  assert.equal(direct.proxy, null);
  assert.ok(result.comparison);
  assert.match(result.verdict[0] ?? '', /^Steady state \(direct 3 s, meshed 3 s\): the mesh (costs |.s cost is not measurable)/);
  assert.ok(['valid', 'inconclusive', 'invalid'].includes(result.validity.status));
  const steal = result.host.hypervisorSteal;
  assert.ok(typeof steal === 'number' && steal >= 0 && steal < 1, `the hypervisor's steal over the run is recorded as a share (${steal})`);
  for (const arm of [direct, meshed]) assert.ok(arm.repeats[0]!.warmup!.ms >= 1000, `${arm.name}: warmed up at least load.warmup`);
  assert.deepEqual(childPids().filter((p) => !before.includes(p)), [], 'no child process survives the run');
});

const tiny = (name: string, meshPort: number) =>
  parseScenario(
    `
name: ${name}
repeats: 1
arms: [meshed]
topology:
  services:
    - name: frontend
      serviceTime: 1ms
      calls: [users]
    - name: users
      serviceTime: 5ms
load:
  rate: 50
  warmup: 1s
  duration: 2s
mesh:
  port: ${meshPort}
  adminPort: 0
`,
    `${name}.yaml`,
  );

test('two runs at once on mesh.port 0 do not take each other\'s proxy port', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-e2e-'));
  dirs.push(dir);
  const results = await Promise.all([
    runScenario(tiny('one', 0), { runDir: path.join(dir, 'one'), quiet: true }),
    runScenario(tiny('two', 0), { runDir: path.join(dir, 'two'), quiet: true }),
  ]);
  for (const r of results) assert.equal(r.arms[0]!.requests.ok, 100, `${r.scenario.name}: every request went through its own proxy (${JSON.stringify(r.arms[0]!.failures.byReason)})`);
});

test('a fixed mesh.port that is taken is an environment error naming the fix, before any process starts', async () => {
  const net = await import('node:net');
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const port = (squatter.address() as import('node:net').AddressInfo).port;
  const before = childPids();
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-taken-'));
  dirs.push(runDir);
  try {
    await assert.rejects(runScenario(tiny('taken', port), { runDir, quiet: true }), (err: unknown) => {
      const e = err as { code?: string; exitCode?: number; hint?: string };
      return e.code === 'E_PORT_IN_USE' && e.exitCode === 3 && /mesh\.port: 0/.test(e.hint ?? '');
    });
    assert.deepEqual(childPids().filter((p) => !before.includes(p)), []);
  } finally {
    squatter.close();
  }
});
