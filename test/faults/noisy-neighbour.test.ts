import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import type { HogCommand, HogEvent } from '../../src/faults/cpu-hog.ts';
import { startNoisyNeighbour } from '../../src/faults/noisy-neighbour.ts';
import { mustRun } from '../../src/faults/run-command.ts';
import { startChild, type Child } from '../../src/runtime/child.ts';
import { cleanLeftovers } from '../../src/runtime/clean.ts';
import { Ledger, newRunId, processStartTime } from '../../src/runtime/ledger.ts';

const stateDir = mkdtempSync(path.join(tmpdir(), 'meshbench-test-'));
process.env.MESHBENCH_STATE_DIR = stateDir;
after(() => rmSync(stateDir, { recursive: true, force: true }));
const caps = await detectCapabilities();

/** Share of a window the process spent on a CPU, from /proc/<pid>/schedstat. */
async function runShare(pid: number, windowMs: number): Promise<number> {
  const run = () => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  const t0 = process.hrtime.bigint();
  const r0 = run();
  await sleep(windowMs);
  return (run() - r0) / Number(process.hrtime.bigint() - t0);
}

describe('startNoisyNeighbour', { skip: caps.taskset ? false : 'taskset not installed' }, () => {
  const runId = newRunId();
  let ledger: Ledger;
  let target: Child<HogCommand, HogEvent>;

  before(async () => {
    ledger = Ledger.open(runId);
    target = startChild<HogCommand, HogEvent>('src/faults/cpu-hog.ts', { label: 'noisy-neighbour target' });
    await target.next('ready', 15_000);
    await mustRun('taskset', ['-a', '-c', '-p', '0', String(target.pid)]);
  });
  after(async () => {
    await target.stop(500);
    await cleanLeftovers({ runId });
  });

  it('pinned hogs take the target CPU from a process on it, and stop() ends them', async (t) => {
    const alone = await runShare(target.pid, 1500);
    const fault = await startNoisyNeighbour({ ledger, runId, hogs: 2, cpus: [0] });
    let crowded: number;
    try {
      assert.match(fault.mechanism, /2 CPU hog processes pinned to cpu 0 \(taskset\)/);
      assert.deepEqual(
        ledger.entries().map((e) => (e.kind === 'process' ? e.pid : null)),
        fault.hogs.map((h) => h.pid),
      );
      for (const hog of fault.hogs) assert.match(await mustRun('taskset', ['-c', '-p', String(hog.pid)]), /list: 0$/m);
      crowded = await runShare(target.pid, 1500);
    } finally {
      await fault.stop();
    }
    t.diagnostic(`target on cpu 0: ${(alone * 100).toFixed(0)} % alone, ${(crowded * 100).toFixed(0)} % with 2 hogs`);
    // Three busy processes share cpu 0 equally: the target keeps about a third of what it had.
    assert.ok(crowded < alone * 0.6, `target ran ${(crowded * 100).toFixed(0)} % of the time with hogs, ${(alone * 100).toFixed(0)} % alone`);
    for (const hog of fault.hogs) assert.equal(processStartTime(hog.pid), null, `hog ${hog.pid} is gone`);
    assert.deepEqual(ledger.entries(), []);
  });
});
