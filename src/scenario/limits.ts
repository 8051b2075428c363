// Why: a value that validates must also run. Every number and duration a scenario can hold has a
// maximum here, derived from what the machine and the embedded backend can actually do (Node's
// timer range, what one load generator sends, open files, memory per process, the proxy's
// buffers, the size of a result document), so `validate` refuses a run that would overflow a
// timer, exhaust memory or fail half-way with the wrong hint. The static maxima are stated in
// scenarios/schema.json; the machine-dependent ones are checked against facts read once from
// this machine (injected, so tests are deterministic). Pure, except `currentMachine()`.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Scenario } from './types.ts';

/** Node's timers hold a signed 32-bit millisecond count; a longer delay fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export const MAX_TIMER_TEXT = `${MAX_TIMER_MS} ms (about 24.8 days), the longest delay a Node timer can wait`;

/**
 * Arrivals per second one load-generator process may be asked for. `npm run bench:loadgen-ceiling`
 * (docs/benchmarks.md) measured about 4 000 on the 2-vCPU development VM; past its ceiling a
 * generator drops arrivals (counted) and past this limit its own memory runs away (10⁹ rps: 4 GB).
 * 10 000 leaves room for faster, dedicated cores.
 */
export const MAX_RATE = 10_000;
export const MAX_RATE_WHY = `one load generator sends at most about ${MAX_RATE} requests per second (npm run bench:loadgen-ceiling, docs/benchmarks.md)`;

/** A synthetic service holds its response body in memory, once per replica. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
export const MAX_RESPONSE_WHY = `a synthetic service holds its response body (at most ${MAX_RESPONSE_BYTES} bytes, 8 MiB) in memory`;

/**
 * result.json is written as one JSON string, and V8 strings end at 2^29 characters: half of
 * that is the budget for the per-second windows, each at most MAX_WINDOW_BYTES (test/scenario/
 * limits.test.ts measures a window at the generator's ceiling rate against this).
 */
export const MAX_WINDOW_BYTES = 4096;
export const MAX_RESULT_WINDOWS = Math.floor(2 ** 28 / MAX_WINDOW_BYTES);

/** Resident memory of one embedded process (a simulated replica runs its esbuild bundle on Node): measured 49–51 MB (72–80 MB when it ran through tsx), with headroom; test/scenario/limits.test.ts keeps it true. */
export const PROCESS_RSS_BYTES = 64 * 1024 * 1024;
/** Share of the machine's memory the processes of a run may take. */
export const MEMORY_SHARE = 0.75;
/** Threads of one Node process (measured 12: main, libuv pool, V8 workers …), with headroom: RLIMIT_NPROC counts threads. */
export const THREADS_PER_PROCESS = 16;
/** Processes every embedded phase runs besides the replicas: proxy, load generator, Toxiproxy. */
export const FIXED_PROCESSES = 3;
/** File descriptors a process needs besides the sockets a limit counts (stdio, IPC, listeners, modules). */
export const FD_RESERVE = 64;

/** Linux's default ceiling on open files per process (fs.nr_open): a hard cap under any ulimit. */
export const MAX_OPEN_FILES = 1_048_576;

/** The largest request head the proxy accepts; past it one slow client holds too much memory. */
export const MAX_HEADER_BYTES = 1024 * 1024;
/** Toxiproxy attributes are int64 JSON numbers; JavaScript keeps integers exact up to 2^53 − 1. */
export const MAX_TOXIC_INTEGER = Number.MAX_SAFE_INTEGER;
/** Loopback moves a few GB/s at most; a bandwidth toxic above 10 GB/s shapes nothing. */
export const MAX_BANDWIDTH_KBPS = 10_000_000;
/** A relative weight: beyond a million to one the mix cannot be told from a single class. */
export const MAX_WEIGHT = 1_000_000;
/** Recovery counts latency within this factor of the pre-fault p99 as recovered. */
export const MAX_P99_FACTOR = 1_000;

/** What this machine allows; read once per validation. */
export interface MachineFacts {
  /** Open-file limit of a process (hard limit: Node raises its soft limit to it at start). */
  openFiles: number;
  /** RLIMIT_NPROC: processes and threads this user may have. */
  userThreads: number;
  memoryBytes: number;
}

function limitOf(limits: string, name: string, column: 1 | 2): number | null {
  const line = limits.split('\n').find((l) => l.startsWith(name));
  const value = line?.slice(name.length).trim().split(/\s+/)[column - 1];
  if (value === undefined) return null;
  return value === 'unlimited' ? Number.POSITIVE_INFINITY : Number.parseInt(value, 10);
}

/** The facts of the machine this process runs on (Linux /proc; elsewhere generous defaults). */
export function currentMachine(): MachineFacts {
  let limits = '';
  try {
    limits = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    // not Linux: only the memory bound applies
  }
  return {
    openFiles: limitOf(limits, 'Max open files', 2) ?? 65_536,
    userThreads: limitOf(limits, 'Max processes', 1) ?? Number.POSITIVE_INFINITY,
    memoryBytes: os.totalmem(),
  };
}

/** The most embedded processes this machine holds: memory, and the thread limit. */
export function maxProcesses(machine: MachineFacts): { max: number; why: string } {
  const byMemory = Math.floor((machine.memoryBytes * MEMORY_SHARE) / PROCESS_RSS_BYTES);
  const byThreads = Math.floor(machine.userThreads / THREADS_PER_PROCESS);
  const gib = (machine.memoryBytes / 2 ** 30).toFixed(1);
  return byMemory <= byThreads
    ? { max: byMemory, why: `each is a Node process of about ${PROCESS_RSS_BYTES / 2 ** 20} MB, and a run may use ${MEMORY_SHARE * 100} % of this machine's ${gib} GiB` }
    : { max: byThreads, why: `each Node process runs about ${THREADS_PER_PROCESS} threads and this user may have ${machine.userThreads} (ulimit -u)` };
}

/** Sockets one process may hold at once for the requests a limit counts. */
export function maxSockets(machine: MachineFacts): number {
  return Math.max(1, machine.openFiles - FD_RESERVE);
}

export interface LimitProblem {
  /** Field path, e.g. `load.maxInFlight`. */
  path: string;
  message: string;
  hint: string;
}

/** The limits that depend on this machine or on several fields together; every problem, at once. */
export function checkLimits(s: Scenario, machine: MachineFacts, isValid: (path: string) => boolean): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const sockets = maxSockets(machine);
  const fdHint = `each one holds a socket, and a process may open ${machine.openFiles} files (ulimit -n) less ${FD_RESERVE} for its own use; raise the limit (meshbench doctor) or lower this`;

  if (isValid('load') && s.load.maxInFlight > sockets) {
    problems.push({ path: 'load.maxInFlight', message: `${s.load.maxInFlight} requests in flight need more sockets than the load generator may open (${sockets})`, hint: fdHint });
  }
  s.topology.services.forEach((svc, i) => {
    if (svc.external === null && svc.pool > sockets && isValid(`topology.services[${i}].pool`)) {
      problems.push({ path: `topology.services[${i}].pool`, message: `a pool of ${svc.pool} queries at once needs more sockets than one replica may open (${sockets})`, hint: fdHint });
    }
  });
  if (s.mesh.maxPending !== null && s.mesh.maxPending > sockets && isValid('mesh.maxPending')) {
    problems.push({ path: 'mesh.maxPending', message: `${s.mesh.maxPending} pending requests need more sockets than the proxy may open (${sockets})`, hint: fdHint });
  }

  if (s.backend.kind === 'embedded' && isValid('topology')) {
    const replicas = s.topology.services.reduce((n, svc) => n + (svc.external === null ? svc.replicas : 0), 0);
    const hogs = s.faults.reduce((n, f) => n + (f.kind === 'noisy-neighbour' ? f.hogs : 0), 0);
    const total = replicas + hogs + FIXED_PROCESSES;
    const { max, why } = maxProcesses(machine);
    if (total > max) {
      problems.push({
        path: 'topology.services',
        message: `a phase would run ${total} processes (${replicas} replicas, ${hogs} CPU hogs, proxy, load generator, Toxiproxy); this machine holds at most ${max}`,
        hint: `${why}; run fewer replicas, or use backend: kubernetes to spread them over nodes`,
      });
    }
  }

  const windows = s.repeats * s.arms.length * Math.ceil(s.load.durationS);
  if (isValid('load.duration') && windows > MAX_RESULT_WINDOWS) {
    problems.push({
      path: 'load.duration',
      message: `${s.repeats} repeat(s) × ${s.arms.length} arm(s) × ${s.load.durationS} s is ${windows} one-second windows, more than a result can hold (${MAX_RESULT_WINDOWS})`,
      hint: `result.json keeps every window (up to ${MAX_WINDOW_BYTES} bytes each) in one JSON text of at most 256 MiB; shorten load.duration or run fewer repeats`,
    });
  }
  const phaseMs = s.load.warmupS * 1_000 + s.load.durationS * 1_000 + s.load.timeoutMs;
  if (isValid('load') && phaseMs > MAX_TIMER_MS) {
    problems.push({ path: 'load.warmup', message: `warmup + duration + timeout is ${phaseMs} ms, longer than one phase can be timed`, hint: `a phase must end within ${MAX_TIMER_TEXT}` });
  }
  const { headerTimeoutMs, idleTimeoutMs } = s.mesh.limits;
  if (isValid('mesh.limits') && headerTimeoutMs + idleTimeoutMs > MAX_TIMER_MS) {
    problems.push({ path: 'mesh.limits.idleTimeout', message: `headerTimeout + idleTimeout is ${headerTimeoutMs + idleTimeoutMs} ms, longer than the proxy's request timer can wait`, hint: `the proxy times a whole request with their sum, which must stay within ${MAX_TIMER_TEXT}` });
  }
  return problems;
}
