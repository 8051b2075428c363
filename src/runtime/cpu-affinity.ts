// Why: the edge of CPU pinning. Which CPUs a process may use is read from /proc, and a process
// is pinned with `taskset`; a run's CPU plan and a noisy neighbour's hogs both pin, so the
// command, its check and the words of its failure live in one place.
import { readdir, readFile } from 'node:fs/promises';
import { runCommand } from '../faults/run-command.ts';
import { allowedCpusFromStatus, formatCpuList } from './cpu-pinning.ts';

/** The CPUs this process may run on (its Cpus_allowed_list); null where there is no /proc. */
export async function allowedCpus(): Promise<number[] | null> {
  let status: string;
  try {
    status = await readFile('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
  return allowedCpusFromStatus(status);
}

/** Each thread of `pid` with the CPUs it may run on; null when the process is gone (or no /proc). */
export async function threadCpus(pid: number): Promise<Array<{ tid: number; cpus: number[] }> | null> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const threads = await Promise.all(
    tids.map(async (tid) => {
      try {
        return { tid: Number(tid), cpus: allowedCpusFromStatus(await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8')) };
      } catch {
        return null; // the thread ended meanwhile
      }
    }),
  );
  return threads.filter((t) => t !== null);
}

/**
 * Holds every thread of `pid` to `cpus` (`taskset -a`: the threads already running; the ones it
 * starts later inherit it), then checks that they are. A thread started by a not yet pinned one
 * while taskset went through the list escapes it, so a second pass catches it. Resolves with
 * null, or with why not.
 */
export async function pinProcess(pid: number, cpus: readonly number[]): Promise<string | null> {
  const list = formatCpuList(cpus);
  const args = ['-a', '-c', '-p', list, String(pid)];
  let off: { tid: number; cpus: number[] } | undefined;
  for (let pass = 0; pass < 2; pass++) {
    const r = await runCommand('taskset', args);
    if (r.code !== 0) return `taskset ${args.join(' ')} failed: ${r.code === 127 ? 'taskset not found (install util-linux)' : r.stderr.trim() || `exit code ${r.code}`}`;
    // `taskset -a` of a process that is gone succeeds without doing anything; so look.
    const threads = await threadCpus(pid);
    if (threads === null || threads.length === 0) return `taskset ${args.join(' ')}: process ${pid} is gone`;
    off = threads.find((t) => formatCpuList(t.cpus) !== list);
    if (!off) return null;
  }
  return `taskset ${args.join(' ')} left thread ${off!.tid} on cpu ${formatCpuList(off!.cpus)}`;
}
