// Why: a noisy neighbour competes for the CPU the target runs on, which is how co-located
// workloads hurt a service's tail in production. Each hog is a real process burning CPU
// (src/faults/cpu-hog.ts); given CPUs, the hogs are pinned to them with `taskset` so the
// contention lands on the target's cores instead of being spread by the scheduler.
import { badInput } from '../core/errors.ts';
import { startChild, type Child } from '../runtime/child.ts';
import { pinProcess } from '../runtime/cpu-affinity.ts';
import { formatCpuList } from '../runtime/cpu-pinning.ts';
import { processStartTime, type Ledger, type LedgerEntry } from '../runtime/ledger.ts';
import type { HogCommand, HogEvent } from './cpu-hog.ts';
import type { ActiveFault } from './types.ts';

export interface NoisyNeighbourOptions {
  ledger: Ledger;
  runId: string;
  hogs: number;
  /** Pin every hog to these CPUs (ids as the kernel numbers them) when `taskset` can. */
  cpus?: readonly number[];
}

export type HogChild = Child<HogCommand, HogEvent>;

export interface NoisyNeighbour extends ActiveFault {
  readonly hogs: readonly HogChild[];
}

export async function startNoisyNeighbour(opts: NoisyNeighbourOptions): Promise<NoisyNeighbour> {
  if (!(Number.isInteger(opts.hogs) && opts.hogs >= 1 && opts.hogs <= 64)) {
    throw badInput('fault.noisy-neighbour.hogs', `${opts.hogs} hogs is not in 1–64`, 'use a small whole number of hogs, e.g. 2');
  }
  const hogs: Array<{ child: HogChild; entry: LedgerEntry }> = [];
  const stopAll = async () => {
    await Promise.all(
      hogs.splice(0).map(async ({ child, entry }) => {
        await child.stop(500);
        opts.ledger.release(entry);
      }),
    );
  };
  let pinFailure: string | null = null;
  try {
    for (let i = 0; i < opts.hogs; i++) {
      const child: HogChild = startChild('src/faults/cpu-hog.ts', { label: `meshbench-${opts.runId}-hog-${i + 1}` });
      const startTime = processStartTime(child.pid);
      // A process can only be recorded once it exists; it also exits with us through IPC.
      const entry: LedgerEntry = { kind: 'process', pid: child.pid, startTime: startTime ?? -1 };
      opts.ledger.record(entry);
      hogs.push({ child, entry });
      await child.next('ready', 15_000);
      if (opts.cpus !== undefined) {
        const failed = await pinProcess(child.pid, opts.cpus);
        pinFailure ??= failed;
      }
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const cpus = opts.cpus === undefined ? null : formatCpuList(opts.cpus);
  const where = cpus === null ? 'unpinned' : pinFailure === null ? `pinned to cpu ${cpus} (taskset)` : `not pinned to cpu ${cpus} (${pinFailure})`;
  return {
    mechanism: `${opts.hogs} CPU hog process${opts.hogs === 1 ? '' : 'es'} ${where}, pids ${hogs.map((h) => h.child.pid).join(',')}`,
    hogs: hogs.map((h) => h.child),
    stop: stopAll,
  };
}
