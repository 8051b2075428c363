// Why: CPU steal — a noisy hypervisor neighbour taking the target's CPU for part of every
// period — is injected by freezing the target for `percent` of each period and letting it run
// for the rest. Freezing is wall-clock based, so the target loses that share of its progress
// however busy the (shared) machine is, which is what steal does; a CFS quota would instead cap
// CPU time and take less than asked whenever the target was already starved by others.
//
// Mechanism, best first: the cgroup freezer (v1 `freezer.state` or v2 `cgroup.freeze`) in a
// cgroup of the run's own — stops every thread at once and is undone by `meshbench clean` even
// if meshbench dies — otherwise a SIGSTOP/SIGCONT duty cycle (no root needed). On stop the
// target is always thawed/continued and moved back to its original cgroup.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { realClock, type Clock } from '../core/clock.ts';
import { badInput, environmentError } from '../core/errors.ts';
import { processStartTime, type Ledger, type LedgerEntry } from '../runtime/ledger.ts';
import { cgroupDirOf, freezerHierarchies, isWritable, moveToCgroup, removeCgroup, setFrozen, type FreezerHierarchy } from './cgroup.ts';
import type { ActiveFault } from './types.ts';

export type CpuStealMechanism = 'cgroup-freezer' | 'signals';

export interface CpuStealOptions {
  ledger: Ledger;
  runId: string;
  pid: number;
  /** Share of every period the target is frozen, 0–100. */
  percent: number;
  periodMs: number;
  /** Force a mechanism (tests, or a user who wants signals); default: the best available. */
  mechanism?: CpuStealMechanism;
  clock?: Clock;
}

/** Freezes and thaws a target; the implementations differ only in how (and what they undo). */
export interface Freezer {
  readonly description: string;
  freeze(): void;
  thaw(): void;
  release(): Promise<void>;
}

let cgroupCounter = 0;

function writableFreezer(): FreezerHierarchy | null {
  return freezerHierarchies().find((h) => isWritable(h.mountPoint)) ?? null;
}

async function cgroupFreezer(opts: CpuStealOptions, h: FreezerHierarchy): Promise<Freezer> {
  const original = cgroupDirOf(opts.pid, h);
  const dir = path.join(h.mountPoint, `meshbench-${opts.runId}-cpu-${++cgroupCounter}`);
  const entry: LedgerEntry = { kind: 'cgroup', path: dir };
  opts.ledger.record(entry);
  try {
    mkdirSync(dir);
    moveToCgroup(opts.pid, dir);
  } catch (err) {
    await removeCgroup(dir);
    opts.ledger.release(entry);
    throw err;
  }
  const kind = h.version === 1 ? 'cgroup v1 freezer' : 'cgroup v2 cgroup.freeze';
  return {
    description: `${kind} (${dir})`,
    freeze: () => setFrozen(dir, true),
    thaw: () => setFrozen(dir, false),
    async release() {
      setFrozen(dir, false);
      try {
        moveToCgroup(opts.pid, original);
      } catch {
        // The target exited; removeCgroup below moves whatever is left to the parent.
      }
      await removeCgroup(dir);
      opts.ledger.release(entry);
    },
  };
}

function signalFreezer(opts: CpuStealOptions): Freezer {
  const startTime = processStartTime(opts.pid);
  if (startTime === null) throw badInput('fault.cpu-steal.pid', `process ${opts.pid} does not exist`, 'start the target before stealing its CPU');
  // A runner killed mid-stop would leave the target stopped forever: `meshbench clean` kills it.
  const entry: LedgerEntry = { kind: 'process', pid: opts.pid, startTime };
  opts.ledger.record(entry);
  const signal = (s: NodeJS.Signals) => {
    if (processStartTime(opts.pid) === startTime) process.kill(opts.pid, s);
  };
  return {
    description: 'SIGSTOP/SIGCONT duty cycle',
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    async release() {
      signal('SIGCONT');
      opts.ledger.release(entry);
    },
  };
}

/**
 * Freezes `freezer` for `percent` of every period until stop() (which returns false when it was
 * already stopped; the caller then thaws/releases). Shared by local CPU steal and the chaos agent.
 */
export function runDutyCycle(freezer: Pick<Freezer, 'freeze' | 'thaw'>, percent: number, periodMs: number, clock: Clock): { stop(): boolean } {
  // Cycle k starts at start + k·period (absolute, so timer lateness never accumulates). Each
  // freeze lasts what brings the total frozen time to percent × (end of this cycle − start):
  // on a busy machine this process's timers fire late more often while the target runs than
  // while it is frozen, which would otherwise steal less than asked; a late thaw is paid back
  // by a shorter next freeze, a stall by (at most twice) longer ones.
  const frozenMs = (periodMs * percent) / 100;
  const start = clock.now();
  let cycle = 0;
  let frozenTotal = 0;
  let frozenAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const at = (t: number, fn: () => void) => {
    timer = setTimeout(fn, Math.max(0, t - clock.now()));
  };
  const freezePhase = () => {
    if (stopped) return;
    try {
      freezer.freeze();
    } catch {
      return; // the target is gone; stop() still cleans up
    }
    frozenAt = clock.now();
    const cyclesDone = Math.floor((frozenAt - start) / periodMs) + 1;
    const owed = cyclesDone * frozenMs - frozenTotal;
    at(frozenAt + Math.min(Math.max(owed, 0), 2 * frozenMs), thawPhase);
  };
  const thawPhase = () => {
    if (stopped) return;
    try {
      freezer.thaw();
    } catch {
      return;
    }
    frozenTotal += clock.now() - frozenAt;
    // After a long event-loop stall, skip the missed cycles rather than replaying them.
    cycle = Math.max(cycle + 1, Math.ceil((clock.now() - start) / periodMs));
    at(start + cycle * periodMs, freezePhase);
  };
  if (percent >= 100) freezer.freeze();
  else if (percent > 0) freezePhase();

  return {
    stop() {
      if (stopped) return false;
      stopped = true;
      clearTimeout(timer);
      return true;
    },
  };
}

export async function startCpuSteal(opts: CpuStealOptions): Promise<ActiveFault> {
  if (!(opts.percent >= 0 && opts.percent <= 100)) {
    throw badInput('fault.cpu-steal.percent', `cpu steal of ${opts.percent} % is not in 0–100`, 'use a percentage between 0 and 100');
  }
  if (!(opts.periodMs >= 10)) {
    throw badInput('fault.cpu-steal.period', `cpu steal period ${opts.periodMs} ms is too short`, 'use a period of at least 10 ms (100 ms is typical)');
  }
  const clock = opts.clock ?? realClock;
  const hierarchy = opts.mechanism === 'signals' ? null : writableFreezer();
  if (opts.mechanism === 'cgroup-freezer' && hierarchy === null) {
    throw environmentError('fault.cpu-steal.cgroup', 'no writable cgroup freezer on this machine', 'run as root on Linux with cgroups mounted, or use the signals mechanism');
  }
  let freezer: Freezer | null = null;
  if (hierarchy) {
    try {
      freezer = await cgroupFreezer(opts, hierarchy);
    } catch (err) {
      // A writable-looking hierarchy can still refuse (a container's read-only subtree, a
      // kernel thread as target): signals do the same job, unless cgroups were asked for.
      if (opts.mechanism === 'cgroup-freezer') {
        throw environmentError('fault.cpu-steal.cgroup', `cannot freeze pid ${opts.pid} in a cgroup: ${err instanceof Error ? err.message : String(err)}`, 'run as root, or use the signals mechanism');
      }
    }
  }
  freezer ??= signalFreezer(opts);

  const cycle = runDutyCycle(freezer, opts.percent, opts.periodMs, clock);

  return {
    mechanism: `${freezer.description}: frozen ${opts.percent}% of every ${opts.periodMs} ms (pid ${opts.pid})`,
    async stop() {
      if (!cycle.stop()) return;
      await freezer.release();
    },
  };
}
