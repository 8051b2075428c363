// Why: a run's numbers are only as good as the machine was quiet. Before the first phase and
// after the last, the runner notes the load average and which other meshbench runs were alive
// (their ledgers say so: a ledger whose owner still runs belongs to a live run), so the analysis
// can say "another run was active" instead of printing a confident number from a shared machine.
// A local Kubernetes cluster that is merely up is not a run (its ledger lives as long as its API
// server): what it costs the CPUs shows in the load average. The CPU ticks give the share the
// hypervisor stole in between — load a VM's guest cannot see in its own load average.
import os from 'node:os';
import { CLUSTER_RUN_ID, isAlive, readLedgers } from './ledger.ts';
import { machineCpuTicks, type MachineCpuTicks } from './process-usage.ts';

export interface MachineActivity {
  loadAverage: [number, number, number];
  otherRuns: string[];
  cpuTicks: MachineCpuTicks | null;
}

export async function machineActivity(ownRunId: string): Promise<MachineActivity> {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  const otherRuns = readLedgers()
    .filter((l) => l.runId !== ownRunId && l.runId !== CLUSTER_RUN_ID && isAlive(l.owner))
    .map((l) => l.runId)
    .sort();
  return { loadAverage: [one, five, fifteen], otherRuns, cpuTicks: await machineCpuTicks() };
}

/** Share of the CPU time between two readings that the hypervisor gave to other guests; null when unknown. */
export function hypervisorStealShare(before: MachineActivity, after: MachineActivity): number | null {
  return stealShare(before.cpuTicks, after.cpuTicks);
}

/** The same share between two /proc/stat readings of the machine's CPU ticks. */
export function stealShare(a: MachineCpuTicks | null, b: MachineCpuTicks | null): number | null {
  if (a === null || b === null || b.total <= a.total) return null;
  return (b.steal - a.steal) / (b.total - a.total);
}
