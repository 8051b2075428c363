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

test('a fixed 20 ms service: direct p50 in [20, 24] ms, the proxy only adds, nothing survives the run', async () => {
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
  assert.ok(direct.latencyMs.p50 >= 20 && direct.latencyMs.p50 <= 24, `direct p50 ${direct.latencyMs.p50} ms`);
  assert.ok(meshed.latencyMs.p50 >= direct.latencyMs.p50, `meshed p50 ${meshed.latencyMs.p50} < direct ${direct.latencyMs.p50}`);
  for (const arm of [direct, meshed]) {
    assert.equal(arm.requests.scheduled, 300, `${arm.name}: 100 rps × 3 s scheduled`);
    assert.equal(arm.requests.ok, 300, `${arm.name}: every request succeeded`);
    assert.equal(arm.repeats[0]!.windows.length, 3);
    assert.ok(arm.sendLatenessMs.p50 < 0.5, `${arm.name}: send lateness p50 ${arm.sendLatenessMs.p50} ms`);
  }
  assert.ok((meshed.proxy?.counters.requests ?? 0) >= 300, 'the meshed arm really went through the proxy');
  assert.equal(direct.proxy, null);
  assert.ok(result.comparison && result.comparison.addedMs.p50 >= 0);
  assert.match(result.verdict ?? '', /No faults injected/);
  assert.deepEqual(childPids().filter((p) => !before.includes(p)), [], 'no child process survives the run');
});
