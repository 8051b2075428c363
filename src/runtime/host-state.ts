// Why: a local Kubernetes cluster leaves more kinds of host state than a run's faults do — a
// cgroup subtree full of containers in every hierarchy, overlay and tmpfs mounts under its
// state directories, pod network namespaces created by the CNI, symlinks the kubelet writes
// into /var/log/containers. These primitives create and, above all, remove them: the same
// code serves `cluster down`, Ctrl-C during `cluster up` and `meshbench clean`.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cgroupMounts, cgroupPids, setFrozen } from '../faults/cgroup.ts';
import { runCommand } from '../faults/run-command.ts';

/** Directories of the cgroup `relative` in every mounted hierarchy (v1 has one per controller set). */
export function cgroupTreeDirs(relative: string): string[] {
  return cgroupMounts().map((m) => path.join(m.mountPoint, relative));
}

/** Creates `relative` in every hierarchy; a v1 cpuset cgroup inherits its parent's cpus and mems
 * (it accepts no process while they are empty). Returns the directories. */
export function ensureCgroupTree(relative: string): string[] {
  const dirs: string[] = [];
  for (const m of cgroupMounts()) {
    let dir = m.mountPoint;
    for (const part of relative.split('/').filter(Boolean)) {
      const parent = dir;
      dir = path.join(dir, part);
      if (!existsSync(dir)) mkdirSync(dir);
      if (m.version === 1 && m.controllers.includes('cpuset')) {
        for (const f of ['cpuset.cpus', 'cpuset.mems']) {
          if (readFileSync(path.join(dir, f), 'utf8').trim() === '') writeFileSync(path.join(dir, f), readFileSync(path.join(parent, f), 'utf8'));
        }
      }
    }
    dirs.push(dir);
  }
  return dirs;
}

function subtree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) out.push(...subtree(path.join(dir, e.name)));
  return out;
}

/** SIGKILLs every process in the cgroup `relative` and below, in every hierarchy, then removes
 * the cgroups deepest first. Returns false when none existed. */
export async function removeCgroupTree(relative: string): Promise<boolean> {
  const roots = cgroupTreeDirs(relative).filter((d) => existsSync(d));
  if (roots.length === 0) return false;
  for (let attempt = 0; ; attempt++) {
    const pids = new Set<number>();
    for (const root of roots) {
      for (const dir of subtree(root)) {
        try {
          setFrozen(dir, false); // a frozen task cannot die
        } catch {
          // not a freezer hierarchy
        }
        for (const pid of cgroupPids(dir)) pids.add(pid);
      }
    }
    if (pids.size === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (attempt >= 100) throw new Error(`${pids.size} processes survive SIGKILL in cgroup ${relative}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const root of roots) {
    for (const dir of subtree(root).reverse()) {
      for (let attempt = 0; ; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (attempt >= 50) throw err;
          await new Promise((r) => setTimeout(r, 20)); // exiting tasks take a moment to leave
        }
      }
    }
  }
  return true;
}

/** Mount points at or below `prefix`, deepest first (the order they must be unmounted in). */
export function mountsUnder(prefix: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const base = prefix.replace(/\/$/, '');
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p === base || p.startsWith(`${base}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or below `prefix`; returns how many mounts were removed. */
export async function unmountUnder(prefix: string): Promise<number> {
  let removed = 0;
  for (const point of mountsUnder(prefix)) {
    let r = await runCommand('umount', [point]);
    if (r.code !== 0) r = await runCommand('umount', ['-l', point]); // busy: detach now, free when unused
    if (r.code !== 0 && mountsUnder(point).includes(point)) throw new Error(`umount ${point}: ${r.stderr.trim()}`);
    removed++;
  }
  return removed;
}

/** Removes the symlinks in `dir` that point below `target` (the kubelet's /var/log/containers
 * links into a node's pod logs); returns how many. */
export function removeSymlinksInto(dir: string, target: string): number {
  let removed = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    try {
      if (lstatSync(p).isSymbolicLink() && path.resolve(dir, readlinkSync(p)).startsWith(`${target.replace(/\/$/, '')}/`)) {
        unlinkSync(p);
        removed++;
      }
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}

/** Removes a directory tree; false when it did not exist. Refuses mount points still in use. */
export function removeDirectory(dir: string): boolean {
  if (!existsSync(dir)) return false;
  const mounted = mountsUnder(dir);
  if (mounted.length > 0) throw new Error(`still mounted below it: ${mounted.slice(0, 3).join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** Removes `dir` only if it is empty (a shared directory such as /var/log/containers that the
 * cluster had to create); false when it is absent or still holds something. */
export function removeDirectoryIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Network namespaces the CNI created for pods (`cni-…`) whose interfaces carry an address in
 * one of `podCidrPrefixes` (e.g. "10.244."): those pods' sandboxes, left when their runtime was killed. */
export async function podNetnsWithAddresses(podCidrPrefixes: string[]): Promise<string[]> {
  const list = await runCommand('ip', ['netns', 'list']);
  if (list.code !== 0) return [];
  const found: string[] = [];
  for (const line of list.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (!name.startsWith('cni-')) continue;
    const addrs = await runCommand('ip', ['-n', name, '-4', '-o', 'addr', 'show']);
    if (addrs.code === 0 && podCidrPrefixes.some((p) => addrs.stdout.includes(` ${p}`))) found.push(name);
  }
  return found;
}
