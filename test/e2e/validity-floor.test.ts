// A run on a machine busy enough to make the generator late must not print a confident answer:
// with CPU hogs running beside the load generator (the situation that once produced "mesh costs
// +75 ms at p99" from a 379 ms floor), the run is inconclusive and says the floor is why, and a
// gate on the comparison is inconclusive instead of passing or failing. The service does no
// work, so the latency and the mesh's cost are a millisecond or less: a generator that is late
// by more than that — what the hogs do to its polling loop — is the floor of the comparison.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gateRunResult } from '../../src/gate/evaluate.ts';
import { startChild } from '../../src/runtime/child.ts';
import { runScenario } from '../../src/runner/run-scenario.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import type { HogCommand, HogEvent } from '../../src/faults/cpu-hog.ts';

const HOGS = Math.max(4, os.cpus().length * 2);

test('CPU hogs beside the generator raise the floor: the run is inconclusive with the floor as reason', async () => {
  const scenario = parseScenario(
    `
name: e2e-raised-floor
seed: 4
repeats: 1
topology:
  services:
    - name: users
      serviceTime: 0ms   # the latency is the hops' own: a late generator outweighs it
      pool: 64
load:
  rate: 200
  warmup: 1s
  warmupMax: 2s
  duration: 5s
mesh:
  port: 0
  adminPort: 0
gates:
  - meshed.p50 - direct.p50 < 50ms
`,
    'raised-floor.yaml',
  );
  const hogs = Array.from({ length: HOGS }, (_, i) => startChild<HogCommand, HogEvent>('src/faults/cpu-hog.ts', { label: `test-hog-${i}` }));
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-floor-'));
  try {
    await Promise.all(hogs.map((h) => h.next('ready', 15_000)));
    const result = await runScenario(scenario, { runDir, quiet: true });
    const floor = (p: 'p50' | 'p99') => Math.max(...result.arms.map((a) => a.sendLatenessMs[p]));
    const steady = result.steadyState?.arms.map((a) => `${a.arm} p50 ${a.latencyMs.p50} p99 ${a.latencyMs.p99}`).join(', ');
    const context = `floor p50 ${floor('p50')} ms, p99 ${floor('p99')} ms; steady ${steady}; cost ${JSON.stringify(result.steadyState?.cost)}; validity ${JSON.stringify(result.validity.reasons)}`;
    assert.equal(result.validity.status, 'inconclusive', context);
    const floorReasons = result.validity.reasons.filter((r) => r.check === 'floor');
    assert.ok(floorReasons.length > 0, context);
    assert.ok(floorReasons.every((r) => r.status === 'inconclusive'));
    const gate = gateRunResult(result).gates[0]!;
    assert.equal(gate.status, 'inconclusive', gate.verdict);
    assert.match(gate.verdict, /not a valid comparison/);
  } finally {
    await Promise.all(hogs.map((h) => h.stop(500)));
    await rm(runDir, { recursive: true, force: true });
  }
});
