// Why: an open-loop generator must send each request when it is due, and Node's timers fire ~1 ms
// late (2–3 ms at p99). Polling the clock until the due time is precise but keeps a whole core
// busy — at 1 000 rps it cost 1 030 ms of CPU per 1 000 sends, a core taken from the services and
// proxy being measured on the same machine. So a worker thread does the sleeping: it blocks in a
// futex wait (Atomics.wait, sub-millisecond precision) until shortly before the due time and
// wakes the event loop with a message; the main thread polls only the last GUARD_MS. Measured
// beside vegeta (docs/benchmarks.md): 330 ms of CPU per 1 000 sends, send lateness p99 ≈ 1 ms
// (polling: 0.2 ms), vegeta's own 0.8–2 ms in the same runs.
import { Worker } from 'node:worker_threads';
import { realClock, type Clock } from '../core/clock.ts';
import type { Waiter } from './executor.ts';

/** The thread wakes the event loop this long before the due time; the rest is polled. */
const GUARD_MS = 0.15;

/** Control words shared with the thread: [0] request generation (−1: exit), then the sleep length. */
const GENERATION = 0;

// The thread's whole program, evaluated from a string so it needs no file of its own next to a bundle.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const control = new Int32Array(workerData, 0, 1);
const sleepMs = new Float64Array(workerData, 8, 1);
let seen = 0;
waiting: for (;;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  if (seen < 0) break;
  let until = performance.now() + sleepMs[0];
  for (;;) {
    const left = until - performance.now();
    if (left <= 0) break;
    if (Atomics.wait(control, 0, seen, left) !== 'timed-out') {
      // A newer wait (or exit) replaced this one: sleep towards its due time instead.
      seen = Atomics.load(control, 0);
      if (seen < 0) break waiting;
      until = performance.now() + sleepMs[0];
    }
  }
  parentPort.postMessage(seen);
}
`;

export interface ThreadWaiter {
  wait: Waiter;
  /** Ends the thread (the waiter must not be used afterwards). */
  close(): Promise<void>;
}

export function threadWaiter(clock: Clock = realClock): ThreadWaiter {
  const shared = new SharedArrayBuffer(16);
  const control = new Int32Array(shared, 0, 1);
  const sleepMs = new Float64Array(shared, 8, 1);
  // execArgv: [] — the thread is plain CommonJS whatever the parent runs with (--import tsx,
  // --input-type=module) and needs none of it.
  const thread = new Worker(THREAD_SOURCE, { eval: true, workerData: shared, execArgv: [] });
  // The thread must never keep a finished generator alive; its messages do wake the loop.
  thread.unref();
  let generation = 0;
  let woken: ((generation: number) => void) | null = null;
  thread.on('message', (g: number) => woken?.(g));

  const wait: Waiter = (untilMs, signal) =>
    new Promise<void>((resolve) => {
      const poll = () => {
        if (signal.aborted || clock.now() >= untilMs) resolve();
        else setImmediate(poll);
      };
      const sleep = untilMs - clock.now() - GUARD_MS;
      if (sleep <= 0 || signal.aborted) return poll();
      const mine = ++generation;
      const wake = () => {
        woken = null;
        signal.removeEventListener('abort', wake);
        poll();
      };
      woken = (g) => {
        if (g === mine) wake();
      };
      signal.addEventListener('abort', wake, { once: true });
      thread.ref();
      sleepMs[0] = sleep;
      Atomics.store(control, GENERATION, mine);
      Atomics.notify(control, GENERATION);
    }).finally(() => thread.unref());

  return {
    wait,
    async close() {
      Atomics.store(control, GENERATION, -1);
      Atomics.notify(control, GENERATION);
      await thread.terminate();
    },
  };
}
