// Why: a chaos tool must never leave chaos behind, even when it is SIGKILLed. Every piece of
// state a run injects (process, nft table, cgroup, network namespace, Toxiproxy proxy) is
// written to this per-run JSON file *before* it is created and released after it is removed,
// so `meshbench clean` can undo exactly what a dead run left, and nothing else.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { InternalError } from '../core/errors.ts';
import { procStatFields } from './process-usage.ts';

export type LedgerEntry =
  | { kind: 'process'; pid: number; startTime: number }
  | { kind: 'nft-table'; family: string; name: string }
  | { kind: 'cgroup'; path: string }
  | { kind: 'netns'; name: string }
  | { kind: 'toxiproxy-proxy'; url: string; name: string }
  /** A cgroup subtree (relative to every hierarchy's root) whose processes are killed on removal. */
  | { kind: 'cgroup-tree'; relative: string }
  /** Every mount at or below a directory (container rootfs overlays, pod volumes). */
  | { kind: 'mounts'; under: string }
  | { kind: 'directory'; path: string }
  /** A shared directory the run had to create; removed only when nothing else is left in it. */
  | { kind: 'directory-if-empty'; path: string }
  /** Symlinks in `dir` that point below `target`. */
  | { kind: 'symlinks'; dir: string; target: string }
  /** A network interface on the host (the local cluster's bridge). */
  | { kind: 'link'; name: string }
  /** Pod network namespaces (`cni-…`) holding an address with one of these prefixes. */
  | { kind: 'pod-netns'; addressPrefixes: string[] }
  /** A run's Kubernetes objects (namespace, labelled cluster-scoped objects) in one cluster. */
  | { kind: 'k8s-run-objects'; kubeconfig: string; context: string | null; runId: string };

/** The process that owns a ledger; a ledger whose owner still runs belongs to a live run. */
export interface LedgerOwner {
  pid: number;
  startTime: number;
}

export interface LedgerFile {
  runId: string;
  owner: LedgerOwner;
  entries: LedgerEntry[];
}

/** The ledger of the local Kubernetes cluster (`meshbench cluster up`): its host state is named
 * `meshbench-cluster…` and only removed through this ledger or `cluster down`, never swept with runs. */
export const CLUSTER_RUN_ID = 'cluster';

/** Every name meshbench gives to host state starts with this, then the run id. */
export const NAME_PREFIX = 'meshbench-';

/** Short run id, `[a-z0-9]{8}`: fits in interface and nft names with room for a suffix. */
export function newRunId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
}

export function isRunId(s: string): boolean {
  return /^[a-z0-9]{6,8}$/.test(s);
}

/** The run id inside a `meshbench-<runId>[-…]` name, or null when the name is not ours. */
export function runIdOfName(name: string): string | null {
  const m = /^meshbench-([a-z0-9]{6,8})(?:-|$)/.exec(name);
  return m ? m[1]! : null;
}

export function ledgerDir(): string {
  const base = process.env.MESHBENCH_STATE_DIR ?? '/tmp/meshbench-state';
  return path.join(base, 'ledgers');
}

/** Kernel start time (clock ticks since boot) of a process, or null when it does not exist. */
export function processStartTime(pid: number): number | null {
  try {
    const fields = procStatFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // state is field 3, starttime is field 22 → index 22 - 3 = 19.
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : null;
  } catch {
    return null;
  }
}

/** True while the very process described by `owner` (same pid, same start time) runs. */
export function isAlive(owner: LedgerOwner): boolean {
  return processStartTime(owner.pid) === owner.startTime;
}

function sameEntry(a: LedgerEntry, b: LedgerEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function describeEntry(e: LedgerEntry): string {
  switch (e.kind) {
    case 'process':
      return `process ${e.pid}`;
    case 'nft-table':
      return `nft table ${e.family} ${e.name}`;
    case 'cgroup':
      return `cgroup ${e.path}`;
    case 'netns':
      return `network namespace ${e.name}`;
    case 'toxiproxy-proxy':
      return `toxiproxy proxy ${e.name} at ${e.url}`;
    case 'cgroup-tree':
      return `cgroup tree ${e.relative} (and its processes)`;
    case 'mounts':
      return `mounts under ${e.under}`;
    case 'directory':
      return `directory ${e.path}`;
    case 'directory-if-empty':
      return `directory ${e.path} (if empty)`;
    case 'symlinks':
      return `symlinks in ${e.dir} into ${e.target}`;
    case 'link':
      return `network interface ${e.name}`;
    case 'pod-netns':
      return `pod network namespaces with addresses ${e.addressPrefixes.join(', ')}*`;
    case 'k8s-run-objects':
      return `Kubernetes namespace and objects of run ${e.runId} (${e.context ?? 'current context'} in ${e.kubeconfig})`;
  }
}

/** Reads every ledger file (or one run's); unreadable files are skipped, not fatal. */
export function readLedgers(runId?: string): LedgerFile[] {
  let files: string[];
  try {
    files = readdirSync(ledgerDir()).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const out: LedgerFile[] = [];
  for (const f of files) {
    if (runId !== undefined && f !== `${runId}.json`) continue;
    try {
      out.push(JSON.parse(readFileSync(path.join(ledgerDir(), f), 'utf8')) as LedgerFile);
    } catch {
      // A half-written file cannot exist (writes are atomic renames); anything else is not ours.
    }
  }
  return out;
}

/** Overwrites (or, when empty and `removeWhenEmpty`, deletes) a run's ledger file atomically. */
export function writeLedgerFile(file: LedgerFile, removeWhenEmpty: boolean): void {
  const target = path.join(ledgerDir(), `${file.runId}.json`);
  if (removeWhenEmpty && file.entries.length === 0) {
    rmSync(target, { force: true });
    return;
  }
  mkdirSync(ledgerDir(), { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2));
  renameSync(tmp, target);
}

export class Ledger {
  private readonly file: LedgerFile;
  private closed = false;

  private constructor(file: LedgerFile) {
    this.file = file;
  }

  /** Creates the run's ledger file, owned by this process. Writes are synchronous on purpose:
   * an entry must be on disk before the state it describes exists. */
  static open(runId: string): Ledger {
    if (!isRunId(runId)) throw new InternalError(`run id '${runId}' is not [a-z0-9]{6,8}`);
    const startTime = processStartTime(process.pid);
    if (startTime === null) throw new InternalError('cannot read /proc/self/stat');
    const ledger = new Ledger({ runId, owner: { pid: process.pid, startTime }, entries: [] });
    writeLedgerFile(ledger.file, false);
    return ledger;
  }

  get runId(): string {
    return this.file.runId;
  }

  record(entry: LedgerEntry): void {
    if (this.closed) throw new InternalError(`ledger ${this.runId} is closed`);
    this.file.entries.push(entry);
    writeLedgerFile(this.file, false);
  }

  release(entry: LedgerEntry): void {
    const i = this.file.entries.findIndex((e) => sameEntry(e, entry));
    if (i < 0) return;
    this.file.entries.splice(i, 1);
    if (!this.closed) writeLedgerFile(this.file, false);
  }

  /** Gives the ledger to another process (the local cluster's API server once `cluster up` is
   * done): the state stays "live" for `meshbench clean` exactly as long as that process runs. */
  handOver(owner: LedgerOwner): void {
    this.file.owner = owner;
    writeLedgerFile(this.file, false);
  }

  entries(): readonly LedgerEntry[] {
    return [...this.file.entries];
  }

  /** Deletes the file when everything was released; otherwise leaves it for `meshbench clean`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    writeLedgerFile(this.file, true);
  }
}
