// Why: the agent acts on a pod through the kernel, not through the container runtime: it needs
// a process of the pod (to enter the pod's network namespace) and the pod's cgroup (to freeze
// it). With the host's PID namespace both are in /proc: every process of a pod carries the
// pod's UID in its cgroup path (`…/pod<uid>/<container>` with the cgroupfs driver,
// `…pod<uid with _>.slice/…` with systemd).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The pod-level path (up to and including the pod's own segment) in one /proc/<pid>/cgroup
 * line's path, or null when the path does not belong to the pod. */
export function podCgroupPath(cgroupPath: string, podUid: string): string | null {
  const variants = [`pod${podUid}`, `pod${podUid.replace(/-/g, '_')}`];
  const parts = cgroupPath.split('/');
  const i = parts.findIndex((p) => variants.some((v) => p === v || p.startsWith(`${v}.`) || p.endsWith(`-${v}.slice`)));
  return i < 0 ? null : parts.slice(0, i + 1).join('/');
}

/** Parses /proc/<pid>/cgroup into controller → path (v2's unified line is keyed ""). */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.trim().split('\n')) {
    const first = line.indexOf(':');
    const last = line.lastIndexOf(':');
    if (first < 0 || last <= first) continue;
    const controllers = line.slice(first + 1, last);
    for (const c of controllers === '' ? [''] : controllers.split(',')) out.set(c, line.slice(last + 1));
  }
  return out;
}

export interface PodProcesses {
  pids: number[];
  /** controller → the pod's cgroup path in that hierarchy (e.g. freezer → /meshbench-cluster/de/kubepods/besteffort/pod…). */
  cgroups: Map<string, string>;
}

/** Every process of the pod with UID `podUid`, found in `procRoot` (the host's /proc). */
export function findPodProcesses(podUid: string, procRoot = '/proc'): PodProcesses {
  const pids: number[] = [];
  const cgroups = new Map<string, string>();
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(path.join(procRoot, entry, 'cgroup'), 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    let ours = false;
    for (const [controller, p] of parseProcCgroup(text)) {
      const podPath = podCgroupPath(p, podUid);
      if (podPath === null) continue;
      ours = true;
      cgroups.set(controller, podPath);
    }
    if (ours) pids.push(Number(entry));
  }
  return { pids: pids.sort((a, b) => a - b), cgroups };
}
