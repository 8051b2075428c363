// Why: the cluster's processes must outlive `meshbench cluster up` (the cluster stays up until
// `cluster down`), yet never escape the ledger. Each starts detached with its output in a log
// file, already inside its cgroup (a shell joins the cgroup, then execs, so not even its first
// child can start elsewhere) and, for a node's components, inside the node's network namespace.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { processStartTime } from '../../runtime/ledger.ts';
import { ensureCgroupTree } from '../../runtime/host-state.ts';
import type { ComponentSpec } from './components.ts';

export interface StartedDaemon {
  name: string;
  pid: number;
  startTime: number;
  logFile: string;
}

const JOIN_CGROUPS_THEN_EXEC = 'for d in $MESHBENCH_CGROUP_DIRS; do echo $$ > "$d/cgroup.procs"; done; exec "$@"';

/** The argv that starts `spec`: sh joins the cgroups, nsenter enters the node's network namespace. */
export function launchArgv(spec: ComponentSpec): string[] {
  const netns = spec.netns ? ['nsenter', `--net=/run/netns/${spec.netns}`, '--'] : [];
  return ['sh', '-c', JOIN_CGROUPS_THEN_EXEC, 'sh', ...netns, spec.command, ...spec.args];
}

export function startDaemon(spec: ComponentSpec): StartedDaemon {
  const cgroupDirs = ensureCgroupTree(spec.cgroup);
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  const [file, ...args] = launchArgv(spec);
  const child = spawn(file!, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, MESHBENCH_CGROUP_DIRS: cgroupDirs.join(' ') },
  });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
  const startTime = processStartTime(pid);
  if (startTime === null) throw new Error(`${spec.name} exited at once; see ${spec.logFile}`);
  return { name: spec.name, pid, startTime, logFile: spec.logFile };
}
