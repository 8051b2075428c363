// Why: an agent that crashed (or was deleted mid-fault) could not lift its faults; the next
// agent on the node does: it deletes every meshbench nftables table in pod network namespaces
// and thaws every frozen pod cgroup. Only meshbench's own tables are touched.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setFrozen } from '../faults/cgroup.ts';
import type { AgentEnv } from './pod-faults.ts';

function frozenDirs(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  try {
    if (readFileSync(path.join(dir, 'freezer.state'), 'utf8').trim() !== 'THAWED') out.push(dir);
  } catch {
    // no freezer file here
  }
  for (const e of entries) if (e.isDirectory()) frozenDirs(path.join(dir, e.name), out);
  return out;
}

export async function sweepNode(env: AgentEnv): Promise<string[]> {
  const done: string[] = [];
  const seen = new Set<number>();
  for (const pid of readdirSync(env.procRoot).filter((p) => /^\d+$/.test(p))) {
    let cgroup = '';
    let inode = 0;
    try {
      cgroup = readFileSync(path.join(env.procRoot, pid, 'cgroup'), 'utf8');
      inode = statSync(path.join(env.procRoot, pid, 'ns', 'net')).ino;
    } catch {
      continue;
    }
    if (!cgroup.includes('kubepods') || seen.has(inode)) continue;
    seen.add(inode);
    const ns = ['nsenter', `--net=${env.procRoot}/${pid}/ns/net`, '--', 'nft'];
    const list = spawnSync(ns[0]!, [...ns.slice(1), 'list', 'tables', 'netdev'], { encoding: 'utf8' });
    for (const line of (list.stdout ?? '').split('\n')) {
      const table = /^table netdev (meshbench-\S+)/.exec(line)?.[1];
      if (!table) continue;
      spawnSync(ns[0]!, [...ns.slice(1), 'delete', 'table', 'netdev', table]);
      done.push(`deleted table netdev ${table} in the network namespace of pid ${pid}`);
    }
  }
  const freezer = path.join(env.cgroupRoot, 'freezer');
  if (existsSync(freezer)) {
    for (const dir of frozenDirs(freezer).filter((d) => d.includes('kubepods'))) {
      setFrozen(dir, false);
      done.push(`thawed ${dir}`);
    }
  }
  return done;
}
