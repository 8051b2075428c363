// Why: every meshbench process (synthetic service, proxy, load generator, CPU hog) is a Node
// child running plain JavaScript bundled from our TypeScript (child-bundle.ts), with an IPC
// channel as its control plane. Children exit when that channel closes, so even a SIGKILLed
// runner leaves no process behind.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from './cache-dir.ts';
import { ensureBundle } from './child-bundle.ts';

/** Every program meshbench starts as a local child; bundled together on first use. */
export const CHILD_ENTRIES = ['src/services/main.ts', 'proxy/main.ts', 'src/load/worker.ts', 'src/faults/toxiproxy/main.ts', 'src/faults/cpu-hog.ts'] as const;
export type ChildEntry = (typeof CHILD_ENTRIES)[number];

let bundled: Map<string, string> | null = null;

/** The bundle of a child entry, checked for freshness once per process. */
function childScript(entry: ChildEntry): string {
  if (!bundled) {
    const repoRoot = repoPath('.');
    // One cache per checkout, so worktrees do not rebuild over each other.
    const checkout = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
    bundled = ensureBundle({ repoRoot, entries: CHILD_ENTRIES, cacheRoot: path.join(cacheDir(), 'children', checkout) });
  }
  return bundled.get(entry)!;
}

/** Absolute path of a file in this repository, from a path relative to the repository root. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

export interface ChildOptions {
  /** Label used in errors ("user-service#1"). */
  label: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Forward the child's stderr to ours (default: collect it for error messages). */
  inheritStderr?: boolean;
}

export interface Child<In, Out> {
  readonly label: string;
  readonly process: ChildProcess;
  readonly pid: number;
  send(message: In): void;
  /** Resolves with the next message of that type; rejects if the child exits first or on timeout. */
  next<T extends Out & { type: string }>(type: T['type'], timeoutMs?: number): Promise<T>;
  onMessage(listener: (message: Out) => void): void;
  /** Last lines the child wrote to stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the child is gone. */
  stop(graceMs?: number): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `entry` (its bundle) as an IPC child. */
export function startChild<In, Out>(entry: ChildEntry, options: ChildOptions): Child<In, Out> {
  const child = fork(childScript(entry), options.args ?? [], {
    execArgv: ['--enable-source-maps'],
    env: options.env ?? process.env,
    stdio: ['ignore', 'inherit', options.inheritStderr ? 'inherit' : 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  const listeners: Array<(m: Out) => void> = [];
  child.on('message', (m) => {
    for (const l of listeners) l(m as Out);
  });

  return {
    label: options.label,
    process: child,
    pid: child.pid ?? -1,
    exited,
    send(message) {
      if (!gone && child.connected) child.send(message as object);
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    stderrTail: () => stderr.trim(),
    next(type, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${options.label}: no '${type}' message within ${timeoutMs} ms`));
        }, timeoutMs);
        const onMsg = (m: unknown) => {
          if ((m as { type?: string }).type === type) {
            cleanup();
            resolve(m as never);
          }
        };
        const onExit = (code: number | null, signal: string | null) => {
          cleanup();
          const tail = stderr.trim() ? `:\n${stderr.trim()}` : '';
          reject(new Error(`${options.label} exited (code ${code}, signal ${signal}) before '${type}'${tail}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.off('message', onMsg);
          child.off('exit', onExit);
        };
        child.on('message', onMsg);
        child.on('exit', onExit);
      });
    },
    async stop(graceMs = 2000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
