// Why: what a process costs (CPU seconds, resident memory) is read in more than one place — the
// proxy's stats in a run, every replica and the proxy per capacity step — so /proc is parsed once.
import { readFile } from 'node:fs/promises';

/**
 * The fields of a /proc/<pid>/stat line from field 3 (state) on, so field N is at index N − 3:
 * comm (field 2) may hold spaces and parentheses, and only the fields after its last ')' are fixed.
 */
export function procStatFields(raw: string): string[] {
  return raw.slice(raw.lastIndexOf(')') + 2).split(' ');
}

export interface ProcessUsage {
  /** User + system CPU time since the process started. */
  cpuSeconds: number;
  rssBytes: number;
}

/** CPU time and resident memory of a process from /proc (Linux); null when unreadable or gone. */
export async function processUsage(pid: number): Promise<ProcessUsage | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const fields = procStatFields(await readFile(`/proc/${pid}/stat`, 'utf8'));
    // utime and stime are fields 14 and 15, in clock ticks (100 Hz on Linux): index 14 − 3, 15 − 3.
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    if (!Number.isFinite(ticks)) return null;
    return { cpuSeconds: ticks / 100, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

export interface MachineCpuTicks {
  busy: number;
  /** Time the hypervisor ran another guest while this VM wanted the CPU (0 on bare metal). */
  steal: number;
  total: number;
}

/** The machine's CPU time (all cores) since boot, busy, stolen and total, in clock ticks, from /proc/stat. */
export async function machineCpuTicks(): Promise<MachineCpuTicks | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
    const [, ...values] = line.trim().split(/\s+/);
    const ticks = values.slice(0, 8).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    // idle and iowait are the 4th and 5th values, steal the 8th.
    return { busy: total - ticks[3]! - ticks[4]!, steal: ticks[7]!, total };
  } catch {
    return null;
  }
}
