// Why: freezing a process for part of every period is how CPU steal is injected, and the
// kernel's cgroup freezer (v1 `freezer.state`, v2 `cgroup.freeze`) stops every thread at once
// and thaws them all even if meshbench dies; this module hides the v1/v2 differences.
import { existsSync, readFileSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type CgroupVersion = 1 | 2;

export interface CgroupMount {
  version: CgroupVersion;
  mountPoint: string;
  /** v1: the controllers bound to this hierarchy; v2: those listed in cgroup.controllers. */
  controllers: string[];
}

/** Every cgroup hierarchy mounted on this machine, from /proc/self/mountinfo. */
export function cgroupMounts(): CgroupMount[] {
  let info: string;
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const mounts: CgroupMount[] = [];
  for (const line of info.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4];
    const [fsType, , superOptions = ''] = right.split(' ');
    if (!mountPoint) continue;
    if (fsType === 'cgroup') {
      const controllers = superOptions.split(',').filter((o) => !['rw', 'ro', 'relatime', 'noexec', 'nosuid', 'nodev'].includes(o) && !o.includes('='));
      mounts.push({ version: 1, mountPoint, controllers });
    } else if (fsType === 'cgroup2') {
      let controllers: string[] = [];
      try {
        controllers = readFileSync(path.join(mountPoint, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
      } catch {
        // An unreadable cgroup2 mount still has the core freezer in its children.
      }
      mounts.push({ version: 2, mountPoint, controllers });
    }
  }
  return mounts;
}

/** A hierarchy where a process can be frozen: v1 with the freezer controller, or any v2. */
export interface FreezerHierarchy {
  version: CgroupVersion;
  mountPoint: string;
}

export function freezerHierarchies(mounts = cgroupMounts()): FreezerHierarchy[] {
  const v1 = mounts.filter((m) => m.version === 1 && m.controllers.includes('freezer'));
  const v2 = mounts.filter((m) => m.version === 2);
  return [...v1, ...v2].map((m) => ({ version: m.version, mountPoint: m.mountPoint }));
}

/** Whether this process may create cgroups in the hierarchy (root of a writable mount). */
export function isWritable(mountPoint: string): boolean {
  try {
    const st = statSync(mountPoint);
    return st.isDirectory() && (process.getuid?.() === 0 || (st.mode & 0o200) !== 0) && !isReadOnlyMount(mountPoint);
  } catch {
    return false;
  }
}

function isReadOnlyMount(mountPoint: string): boolean {
  const info = readFileSync('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((l) => l.split(' ')[4] === mountPoint && /(^|,)ro(,|$)/.test(l.split(' ')[5] ?? ''));
}

/** The directory of the cgroup `pid` belongs to in the given hierarchy. */
export function cgroupDirOf(pid: number, h: FreezerHierarchy): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  for (const line of lines) {
    const [id, controllers, rel] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1, line.lastIndexOf(':')), line.slice(line.lastIndexOf(':') + 1)];
    const match = h.version === 2 ? id === '0' && controllers === '' : controllers.split(',').includes('freezer');
    if (!match) continue;
    const dir = path.join(h.mountPoint, rel);
    // Inside a container the path may be relative to a root we cannot see; the mount root is
    // then the process's cgroup as far as we can tell.
    return existsSync(dir) ? dir : h.mountPoint;
  }
  return h.mountPoint;
}

export function moveToCgroup(pid: number, dir: string): void {
  writeFileSync(path.join(dir, 'cgroup.procs'), `${pid}\n`);
}

export function setFrozen(dir: string, frozen: boolean): void {
  if (existsSync(path.join(dir, 'freezer.state'))) {
    writeFileSync(path.join(dir, 'freezer.state'), frozen ? 'FROZEN' : 'THAWED');
  } else {
    writeFileSync(path.join(dir, 'cgroup.freeze'), frozen ? '1' : '0');
  }
}

export function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Thaws, moves any remaining process to the parent cgroup and removes the directory.
 * Returns false when it did not exist. Never leaves a frozen process behind. */
export async function removeCgroup(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return false;
  // Children first (a v1 freezer child could have been created by a process inside).
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (sub.isDirectory()) await removeCgroup(path.join(dir, sub.name));
  }
  try {
    setFrozen(dir, false);
  } catch {
    // No freezer file in this hierarchy (e.g. a v1 cpu cgroup): nothing to thaw.
  }
  const parent = path.dirname(dir);
  for (let attempt = 0; ; attempt++) {
    for (const pid of cgroupPids(dir)) {
      try {
        moveToCgroup(pid, parent);
      } catch {
        // The process exited between reading cgroup.procs and moving it.
      }
    }
    try {
      rmdirSync(dir);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 20)); // thawing tasks take a moment to leave
    }
  }
}

/** Top-level cgroups named meshbench-* in every hierarchy (where meshbench creates them). */
export function meshbenchCgroups(mounts = cgroupMounts()): string[] {
  const found: string[] = [];
  for (const m of mounts) {
    try {
      for (const d of readdirSync(m.mountPoint, { withFileTypes: true })) {
        if (d.isDirectory() && d.name.startsWith('meshbench-')) found.push(path.join(m.mountPoint, d.name));
      }
    } catch {
      // Unreadable hierarchy: nothing of ours can be in it either.
    }
  }
  return found;
}
