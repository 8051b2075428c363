// Why: a chaos tool must never leave chaos behind. This undoes what runs recorded in their
// ledgers — processes (only if their start time still matches, so a reused pid is never
// killed), nft tables, cgroups (thawed first), network namespaces, Toxiproxy proxies — then
// sweeps anything named `meshbench-*` that no ledger of a live run claims. The same code runs
// on a run's normal exit, on Ctrl-C/SIGTERM/crash, and in `meshbench clean` after a SIGKILL.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cgroupMounts, meshbenchCgroups, removeCgroup, setFrozen } from '../faults/cgroup.ts';
import { deleteNftTable, listNftTables } from '../faults/nft.ts';
import { runCommand } from '../faults/run-command.ts';
import { ExitCode } from '../core/errors.ts';
import { repoPath } from './child.ts';
import { deleteRunObjectsFrom } from '../backend/kubernetes/run-objects-cleanup.ts';
import { podNetnsWithAddresses, removeCgroupTree, removeDirectory, removeDirectoryIfEmpty, removeSymlinksInto, unmountUnder } from './host-state.ts';
import {
  CLUSTER_RUN_ID,
  describeEntry,
  isAlive,
  processStartTime,
  readLedgers,
  runIdOfName,
  writeLedgerFile,
  type LedgerEntry,
  type LedgerFile,
} from './ledger.ts';

export interface CleanOptions {
  /** Only this run's ledger and `meshbench-<runId>-*` names. */
  runId?: string;
  /** Also clean runs whose owning process is still alive (default: leave live runs alone). */
  force?: boolean;
}

export interface CleanReport {
  /** What was removed, e.g. "nft table inet meshbench-ab12cd34-1". */
  removed: string[];
  /** What could not be removed, with the reason; their ledger entries are kept. */
  failed: string[];
  /** Runs left alone because their process still runs. */
  liveRuns: string[];
}

const TOXIPROXY_TIMEOUT_MS = 2000;

async function killProcess(pid: number, startTime: number): Promise<boolean> {
  if (processStartTime(pid) !== startTime) return false; // gone, or the pid now belongs to another process
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && processStartTime(pid) === startTime; i++) await new Promise((r) => setTimeout(r, 20));
  if (processStartTime(pid) === startTime) throw new Error('still running 2 s after SIGKILL');
  return true;
}

async function deleteNetns(name: string): Promise<boolean> {
  const r = await runCommand('ip', ['netns', 'delete', name]);
  if (r.code === 0) return true;
  if (/No such file|Cannot remove namespace file/.test(r.stderr) && !existsSync(`/var/run/netns/${name}`)) return false;
  throw new Error(r.stderr.trim());
}

async function deleteToxiproxyProxy(url: string, name: string): Promise<boolean> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/proxies/${encodeURIComponent(name)}`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(TOXIPROXY_TIMEOUT_MS),
    });
  } catch {
    return false; // the server is gone, and its proxies with it
  }
  if (res.ok) return true;
  if (res.status === 404) return false;
  throw new Error(`HTTP ${res.status}`);
}

/** Removes one entry; true when something was actually removed. */
async function undo(entry: LedgerEntry): Promise<boolean> {
  switch (entry.kind) {
    case 'process':
      return killProcess(entry.pid, entry.startTime);
    case 'nft-table':
      return deleteNftTable({ family: entry.family, name: entry.name });
    case 'cgroup':
      return removeCgroup(entry.path);
    case 'netns':
      return deleteNetns(entry.name);
    case 'toxiproxy-proxy':
      return deleteToxiproxyProxy(entry.url, entry.name);
    case 'cgroup-tree':
      return removeCgroupTree(entry.relative);
    case 'mounts':
      return (await unmountUnder(entry.under)) > 0;
    case 'directory':
      return removeDirectory(entry.path);
    case 'directory-if-empty':
      return removeDirectoryIfEmpty(entry.path);
    case 'symlinks':
      return removeSymlinksInto(entry.dir, entry.target) > 0;
    case 'link':
      return deleteLink(entry.name);
    case 'k8s-run-objects':
      return deleteRunObjectsFrom(entry.kubeconfig, entry.context, entry.runId);
    case 'pod-netns': {
      const names = await podNetnsWithAddresses(entry.addressPrefixes);
      for (const name of names) await deleteNetns(name);
      return names.length > 0;
    }
  }
}

async function deleteLink(name: string): Promise<boolean> {
  const r = await runCommand('ip', ['link', 'delete', name]);
  if (r.code === 0) return true;
  if (/Cannot find device|does not exist/.test(r.stderr)) return false;
  throw new Error(r.stderr.trim());
}

/** Undo order: frozen processes cannot die, so thaw first; processes before their cgroups;
 * containers (killed with their cgroup tree) before their mounts, pod namespaces before the
 * node namespaces and the bridge that joined them; directories last, once nothing is mounted. */
const ORDER: Record<LedgerEntry['kind'], number> = {
  process: 0,
  cgroup: 1,
  'cgroup-tree': 1,
  'nft-table': 2,
  mounts: 3,
  'pod-netns': 4,
  netns: 5,
  link: 6,
  symlinks: 7,
  directory: 8,
  'directory-if-empty': 9,
  'toxiproxy-proxy': 10,
  'k8s-run-objects': 11,
};

async function cleanLedger(file: LedgerFile, report: CleanReport): Promise<void> {
  for (const e of file.entries) {
    if (e.kind !== 'cgroup') continue;
    try {
      setFrozen(e.path, false);
    } catch {
      // Not a freezer cgroup, or already gone.
    }
  }
  const remaining: LedgerEntry[] = [];
  const ordered = [...file.entries].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  for (const entry of ordered) {
    try {
      if (await undo(entry)) report.removed.push(describeEntry(entry));
    } catch (err) {
      remaining.push(entry);
      report.failed.push(`${describeEntry(entry)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  writeLedgerFile({ ...file, entries: remaining }, true);
}

async function sweepByName(runIdFilter: string | undefined, liveRuns: Set<string>, report: CleanReport): Promise<void> {
  const ours = (name: string): boolean => {
    if (!name.startsWith('meshbench-')) return false;
    const runId = runIdOfName(name);
    if (runId === CLUSTER_RUN_ID && runIdFilter !== CLUSTER_RUN_ID) return false;
    if (runId !== null && liveRuns.has(runId)) return false;
    return runIdFilter === undefined || runId === runIdFilter;
  };
  const attempt = async (what: string, remove: () => Promise<boolean>) => {
    try {
      if (await remove()) report.removed.push(what);
    } catch (err) {
      report.failed.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  for (const dir of meshbenchCgroups(cgroupMounts())) {
    if (ours(dir.slice(dir.lastIndexOf('/') + 1))) await attempt(`cgroup ${dir}`, () => removeCgroup(dir));
  }
  const tables = await listNftTables().catch(() => []); // no nft, or no permission: nothing of ours there
  for (const t of tables) {
    if (ours(t.name)) await attempt(`nft table ${t.family} ${t.name}`, () => deleteNftTable(t));
  }
  const netns = await runCommand('ip', ['netns', 'list']);
  if (netns.code === 0) {
    for (const line of netns.stdout.split('\n')) {
      const name = line.split(' ')[0] ?? '';
      if (ours(name)) await attempt(`network namespace ${name}`, () => deleteNetns(name));
    }
  }
}

export async function cleanLeftovers(opts: CleanOptions = {}): Promise<CleanReport> {
  const report: CleanReport = { removed: [], failed: [], liveRuns: [] };
  const live = new Set<string>();
  for (const file of readLedgers()) {
    const ownedElsewhere = isAlive(file.owner) && file.owner.pid !== process.pid;
    if (ownedElsewhere && !opts.force) live.add(file.runId);
  }
  for (const file of readLedgers(opts.runId)) {
    if (live.has(file.runId)) {
      report.liveRuns.push(file.runId);
      continue;
    }
    await cleanLedger(file, report);
  }
  await sweepByName(opts.runId, live, report);
  return report;
}

/** Exit code for a signal, as shells report it (SIGINT → 130). */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Runs `cleanup` once, however the process ends — the event loop draining, SIGINT, SIGTERM,
 * SIGHUP, an uncaught exception or unhandled rejection — then exits with the fitting code.
 * If something calls process.exit() before cleanup ran, a detached `clean --run` finishes the
 * job for `runId` after this process is gone. Returns a function that uninstalls the handlers.
 */
export function installCleanupHandlers(cleanup: () => Promise<void>, opts: { runId?: string } = {}): () => void {
  let state: 'idle' | 'running' | 'done' = 'idle';
  const finish = async (code: number) => {
    if (state !== 'idle') return;
    state = 'running';
    try {
      await cleanup();
    } catch (err) {
      process.stderr.write(`meshbench: cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    state = 'done';
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => void finish(SIGNAL_EXIT[signal] ?? 1);
  const onCrash = (err: unknown) => {
    process.stderr.write(`meshbench: internal error — this is a bug, please report it.\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void finish(ExitCode.internal);
  };
  const onBeforeExit = () => void finish(typeof process.exitCode === 'number' ? process.exitCode : 0);
  const onExit = () => {
    if (state === 'done' || opts.runId === undefined) return;
    const script = `import(${JSON.stringify(repoPath('src/runtime/clean.ts'))}).then((m) => m.cleanLeftovers({ runId: ${JSON.stringify(opts.runId)}, force: true }))`;
    spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), '-e', script], { detached: true, stdio: 'ignore' }).unref();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  return () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('beforeExit', onBeforeExit);
    process.off('exit', onExit);
  };
}
