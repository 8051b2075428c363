// Why: the embedded backend holds its processes to the run's CPU plan (src/runtime/cpu-pinning.ts)
// as each one starts — the load generator alone, the proxy, and the services with what runs
// beside them (the bundled Toxiproxy, CPU hogs) — and remembers what it actually did. A result
// must never claim a pinning taskset did not apply: after the first failure nothing more is
// pinned and the record says the run went on unpinned, and why.
import { allowedCpus, pinProcess } from '../../runtime/cpu-affinity.ts';
import { formatCpuList, planCpuPinning, type CpuPinningMode, type CpuPlan } from '../../runtime/cpu-pinning.ts';
import type { CpuPinningRecord } from '../../result/types.ts';

export type CpuRole = keyof CpuPlan;

export class CpuPinner {
  private failure: string | null = null;

  private constructor(
    private readonly mode: CpuPinningMode,
    private readonly plan: CpuPlan | null,
    private readonly reason: string,
  ) {}

  /** The plan for this process's allowed CPUs (/proc/self/status) and the mode asked for. */
  static async open(mode: CpuPinningMode): Promise<CpuPinner> {
    const cpus = mode === 'off' ? [] : await allowedCpus();
    if (cpus === null) return new CpuPinner(mode, null, `${mode}: no /proc/self/status to read the allowed CPUs from, so nothing is pinned`);
    const { plan, reason } = planCpuPinning(cpus, mode);
    return new CpuPinner(mode, plan, reason);
  }

  /** The CPUs a process in that role is to be held to; null while the run is unpinned. */
  cpusOf(role: CpuRole): readonly number[] | null {
    return this.plan && this.failure === null ? this.plan[role] : null;
  }

  /** Holds a freshly started process (and every thread it has or starts) to its role's CPUs. */
  async pin(role: CpuRole, process: { pid: number; label: string }): Promise<void> {
    const cpus = this.cpusOf(role);
    if (!cpus) return;
    const failed = await pinProcess(process.pid, cpus);
    if (failed !== null) this.failure ??= `${process.label}: ${failed}`;
  }

  /** What the run's pinning actually was, for the result's host section. */
  record(): CpuPinningRecord {
    if (this.plan && this.failure !== null) {
      return { mode: this.mode, applied: null, reason: `${this.reason} — but pinning failed (${this.failure}), so the run is not pinned as planned: what started after that ran unpinned` };
    }
    const applied = this.plan
      ? { generator: formatCpuList(this.plan.generator), proxy: formatCpuList(this.plan.proxy), services: formatCpuList(this.plan.services) }
      : null;
    return { mode: this.mode, applied, reason: this.reason };
  }
}
