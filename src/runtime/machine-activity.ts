// Why: a run's numbers are only as good as the machine was quiet. Before the first phase and
// after the last, the runner notes the load average and which other meshbench runs were alive
// (their ledgers say so: a ledger whose owner still runs belongs to a live run), so the analysis
// can say "another run was active" instead of printing a confident number from a shared machine.
import os from 'node:os';
import { isAlive, readLedgers } from './ledger.ts';

export interface MachineActivity {
  loadAverage: [number, number, number];
  otherRuns: string[];
}

export function machineActivity(ownRunId: string): MachineActivity {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  const otherRuns = readLedgers()
    .filter((l) => l.runId !== ownRunId && isAlive(l.owner))
    .map((l) => l.runId)
    .sort();
  return { loadAverage: [one, five, fifteen], otherRuns };
}
