import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HYPERVISOR_STEAL_MAX } from '../../src/analysis/validity.ts';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import { meshbenchCgroups } from '../../src/faults/cgroup.ts';
import type { HogCommand, HogEvent } from '../../src/faults/cpu-hog.ts';
import { startCpuSteal, type CpuStealMechanism } from '../../src/faults/cpu-steal.ts';
import { startChild, type Child } from '../../src/runtime/child.ts';
import { cleanLeftovers } from '../../src/runtime/clean.ts';
import { allowedCpus, pinProcess } from '../../src/runtime/cpu-affinity.ts';
import { Ledger, newRunId } from '../../src/runtime/ledger.ts';
import { procStatFields } from '../../src/runtime/process-usage.ts';
import { onQuietMachine } from '../fixtures/quiet-machine.ts';

const stateDir = mkdtempSync(path.join(tmpdir(), 'meshbench-test-'));
process.env.MESHBENCH_STATE_DIR = stateDir;
after(() => rmSync(stateDir, { recursive: true, force: true }));
const caps = await detectCapabilities();

type Hog = Child<HogCommand, HogEvent>;

async function iterations(hog: Hog): Promise<number> {
  const reply = hog.next<Extract<HogEvent, { type: 'count' }>>('count', 10_000);
  hog.send({ type: 'count' });
  return (await reply).iterations;
}

/** Time the target's main thread ran or waited for a CPU (ns), from /proc/<pid>/schedstat. */
function runnableNs(pid: number): number {
  const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  return run! + wait!;
}

/** Ticks (USER_HZ, 10 ms) the hypervisor gave away of one CPU since boot, from its /proc/stat line. */
function stealTicks(cpu: number): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `))!;
  return Number(line.trim().split(/\s+/)[8]);
}

/**
 * Share of a window the CPU-bound target was allowed to run: time running or runnable (waiting
 * for a CPU) per wall-clock time. An unstolen busy loop is runnable all the time (≈ 1.0) however
 * loaded the machine is; a frozen or stopped one is neither, which is exactly what steal takes
 * away. (Loop iterations per second are no measure here: on this shared 2-core machine other
 * sessions' load moves the target's iteration rate by ±30 % from one second to the next.)
 *
 * The kernel leaves the hypervisor's own steal (this VM's vCPU given to another guest) out of a
 * task's run time, so on a crowded host an unfrozen loop reads 0.90 (seen in CI). The target is
 * held to one CPU, and the time the hypervisor took from that CPU in the window is counted as the
 * target's: a halted (idle) vCPU cannot be stolen from, so on a CPU the target has to itself that
 * time was taken while it could run. (A machine-wide share misjudges it when the two vCPUs are
 * stolen from unequally: at 30–40 % steal an unfrozen loop read 1.06 that way.)
 */
async function availableShare(pid: number, cpu: number, windowMs: number): Promise<{ share: number; hypervisorSteal: number; frozenSeen: number }> {
  const t0 = process.hrtime.bigint();
  const r0 = runnableNs(pid);
  const s0 = stealTicks(cpu);
  const frozenSeen = await sampleFrozen(pid, windowMs);
  const r1 = runnableNs(pid);
  const s1 = stealTicks(cpu);
  const wallNs = Number(process.hrtime.bigint() - t0);
  const stolenNs = (s1 - s0) * 1e7;
  return { share: (r1 - r0 + stolenNs) / wallNs, hypervisorSteal: stolenNs / wallNs, frozenSeen };
}

/**
 * Share of ~1 ms samples over the window in which the target was held: in a freezer (state D) or
 * stopped by SIGSTOP (T); an unheld busy loop is R. This sees the mechanism itself rather than its
 * effect on run time, so a hypervisor that pauses the VM thins the samples but does not fake them.
 */
async function sampleFrozen(pid: number, windowMs: number): Promise<number> {
  let held = 0;
  let samples = 0;
  const end = performance.now() + windowMs;
  while (performance.now() < end) {
    const state = procStatFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0];
    if (state === 'D' || state === 'T') held++;
    samples++;
    await sleep(1);
  }
  return held / samples;
}

describe('startCpuSteal', () => {
  const runId = newRunId();
  let ledger: Ledger;
  let hog: Hog;
  let cpu: number;

  before(async () => {
    ledger = Ledger.open(runId);
    hog = startChild<HogCommand, HogEvent>('src/faults/cpu-hog.ts', { label: 'cpu-steal target' });
    await hog.next('ready', 15_000);
    cpu = (await allowedCpus())!.at(-1)!;
    const failed = await pinProcess(hog.pid, [cpu]);
    assert.equal(failed, null, 'the target is held to one CPU, whose steal is measured');
    await sleep(300); // let the JIT settle
  });
  after(async () => {
    await hog.stop(500);
    await cleanLeftovers({ runId });
  });

  interface Measured {
    share: number;
    freed: number;
    /** Share of state samples in which the target was frozen or stopped, while stolen from and after stop(). */
    frozenSeen: number;
    frozenSeenAfter: number;
    label: string;
    /** The larger share of the target's CPU the hypervisor took, in the stolen window or the freed one. */
    hypervisorSteal: number;
    /** Hypervisor steal in the stolen window and in the freed one, for the diagnostic. */
    hypervisor: string;
  }

  async function measure(percent: number, mechanism: CpuStealMechanism): Promise<Measured> {
    const fault = await startCpuSteal({ ledger, runId, pid: hog.pid, percent, periodMs: 100, mechanism });
    let stolen: Awaited<ReturnType<typeof availableShare>>;
    try {
      stolen = await availableShare(hog.pid, cpu, 3000);
    } finally {
      await fault.stop();
    }
    const before = await iterations(hog);
    const freed = await availableShare(hog.pid, cpu, 1000);
    assert.ok((await iterations(hog)) > before, 'the target makes progress after stop()');
    const hypervisor = `hypervisor steal on cpu ${cpu} ${(stolen.hypervisorSteal * 100).toFixed(1)} % / ${(freed.hypervisorSteal * 100).toFixed(1)} %`;
    const hypervisorSteal = Math.max(stolen.hypervisorSteal, freed.hypervisorSteal);
    return { share: stolen.share, freed: freed.share, frozenSeen: stolen.frozenSeen, frozenSeenAfter: freed.frozenSeen, label: fault.mechanism, hypervisorSteal, hypervisor };
  }

  const cases: Array<{ percent: number; mechanism: CpuStealMechanism; skip: string | false }> = [
    { percent: 50, mechanism: 'cgroup-freezer', skip: caps.cgroup.freezer === null ? 'no writable cgroup freezer (needs root)' : false },
    { percent: 20, mechanism: 'cgroup-freezer', skip: caps.cgroup.freezer === null ? 'no writable cgroup freezer (needs root)' : false },
    { percent: 50, mechanism: 'signals', skip: false },
  ];
  for (const c of cases) {
    it(`${c.mechanism} at ${c.percent} % lets the target run ${100 - c.percent} % of the time, within 5 points`, { skip: c.skip }, async (t) => {
      const cgroupBefore = readFileSync(`/proc/${hog.pid}/cgroup`, 'utf8');
      const expected = 1 - c.percent / 100;
      // The share is judged to 5 points on a measurement the hypervisor left alone (onQuietMachine,
      // up to 4): a VM's noisy neighbours stall this process's duty-cycle timers and blur the
      // accounting (CI saw 20–40 % steal, and a 20 % steal read as 0.94 at 26 %). Every
      // measurement is judged on the mechanism as seen in the target's state: held for about the
      // asked share (within 60 % of it) while stolen from, never after stop() — which a mechanism
      // that holds nothing, holds the wrong process or never thaws fails on any machine.
      const { unjudged } = await onQuietMachine(
        async () => {
          const m = await measure(c.percent, c.mechanism);
          t.diagnostic(
            `available share ${m.share.toFixed(3)} (expected ${expected}), after stop ${m.freed.toFixed(3)}; held in ${(100 * m.frozenSeen).toFixed(1)} % of state samples; ${m.hypervisor}`,
          );
          assert.match(m.label, c.mechanism === 'signals' ? /SIGSTOP\/SIGCONT/ : /cgroup v[12]/);
          assert.ok(
            Math.abs(m.frozenSeen - c.percent / 100) <= (0.6 * c.percent) / 100,
            `held in ${(100 * m.frozenSeen).toFixed(1)} % of state samples under ${c.percent} % steal (${m.label}; ${m.hypervisor})`,
          );
          assert.equal(m.frozenSeenAfter, 0, `never held after stop() (${m.label})`);
          assert.ok(m.freed > 0.75, `after stop the target may run again (share ${m.freed.toFixed(2)}; ${m.hypervisor})`);
          return m;
        },
        (m) => {
          assert.ok(Math.abs(m.share - expected) <= 0.05, `share ${m.share.toFixed(3)} under ${c.percent} % steal (${m.label}; ${m.hypervisor})`);
          assert.ok(m.freed > 0.95, `after stop ${m.freed.toFixed(3)} (${m.label}; ${m.hypervisor})`);
        },
        { attempts: 4, stealOf: (m) => m.hypervisorSteal },
      );
      if (unjudged) t.diagnostic(`not judged to 5 points: the hypervisor took more than ${HYPERVISOR_STEAL_MAX * 100} % of cpu ${cpu} in every measurement`);
      assert.equal(readFileSync(`/proc/${hog.pid}/cgroup`, 'utf8'), cgroupBefore, 'target is back in its original cgroups');
      assert.deepEqual(meshbenchCgroups().filter((d) => d.includes(runId)), []);
      assert.deepEqual(ledger.entries(), []);
    });
  }
});
