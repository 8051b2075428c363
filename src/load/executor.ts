// Why: an open-loop executor must never let a slow server slow the client down. It follows the
// schedule, sends each arrival when it is due (everything due in one go), counts an arrival
// that finds `maxInFlight` requests outstanding as dropped instead of delaying it, and reports
// every event with the intended time attached, so latency is measured from when the request
// should have been sent (no coordinated omission). It knows nothing about HTTP or histograms:
// time, waiting and sending are injected, which lets tests drive it with a fake clock.
import type { Clock } from '../core/clock.ts';
import type { Arrival } from './schedule.ts';

export type Outcome =
  /** `proxyError`: the x-meshbench-proxy-error reason when a mesh proxy made the response itself. */
  | { kind: 'response'; status: number; proxyError?: string | null }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

/** Sends one arrival; resolves (never rejects) when it is answered, failed or timed out. */
export type Sender = (arrival: Arrival) => Promise<Outcome>;

/** Resolves once `clock.now() >= untilMs`, or early when `signal` aborts. */
export type Waiter = (untilMs: number, signal: AbortSignal) => Promise<void>;

/** Receives every event; all times are ms from the phase start, like `Arrival.atMs`. */
export interface ExecutorSink {
  dropped(arrival: Arrival): void;
  sent(arrival: Arrival, sentAtMs: number): void;
  completed(arrival: Arrival, outcome: Outcome, doneAtMs: number): void;
}

/** Something to do at a point of the phase (measure-start, a window end), in time order. */
export interface Mark {
  atMs: number;
  run: () => void;
}

export interface ExecutorOptions {
  arrivals: Iterable<Arrival>;
  /** Sorted by time; a mark runs before arrivals intended at the same instant. */
  marks: Iterable<Mark>;
  maxInFlight: number;
  send: Sender;
  sink: ExecutorSink;
  clock: Clock;
  wait: Waiter;
}

export interface ExecutorSummary {
  /** When dispatching ended (schedule exhausted or stopped), ms from the phase start. */
  endedAtMs: number;
  stopped: boolean;
}

export class OpenLoopExecutor {
  private readonly opts: ExecutorOptions;
  private readonly abort = new AbortController();
  private inFlightCount = 0;
  private drained: (() => void) | null = null;

  constructor(opts: ExecutorOptions) {
    this.opts = opts;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Stop dispatching; `run` resolves once the requests already in flight have settled. */
  stop(): void {
    this.abort.abort();
  }

  async run(): Promise<ExecutorSummary> {
    const { clock, wait } = this.opts;
    const signal = this.abort.signal;
    const phaseStart = clock.now();
    const arrivals = this.opts.arrivals[Symbol.iterator]();
    const marks = this.opts.marks[Symbol.iterator]();
    let arrival = arrivals.next();
    let mark = marks.next();

    while (!signal.aborted) {
      const arrivalAt = arrival.done ? Infinity : arrival.value.atMs;
      const markAt = mark.done ? Infinity : mark.value.atMs;
      const dueAt = Math.min(arrivalAt, markAt);
      if (dueAt === Infinity) break;
      const now = clock.now() - phaseStart;
      if (now < dueAt) {
        await wait(phaseStart + dueAt, signal);
        continue;
      }
      // Everything that is due goes now, in time order, marks first on ties.
      while (!signal.aborted) {
        if (!mark.done && mark.value.atMs <= now && (arrival.done || mark.value.atMs <= arrival.value.atMs)) {
          mark.value.run();
          mark = marks.next();
        } else if (!arrival.done && arrival.value.atMs <= now) {
          this.dispatch(arrival.value, phaseStart);
          arrival = arrivals.next();
        } else {
          break;
        }
      }
    }
    const endedAtMs = clock.now() - phaseStart;
    if (this.inFlightCount > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    return { endedAtMs, stopped: signal.aborted };
  }

  private dispatch(arrival: Arrival, phaseStart: number): void {
    const { clock, sink } = this.opts;
    if (this.inFlightCount >= this.opts.maxInFlight) {
      sink.dropped(arrival);
      return;
    }
    this.inFlightCount++;
    sink.sent(arrival, clock.now() - phaseStart);
    const settle = (outcome: Outcome) => {
      this.inFlightCount--;
      sink.completed(arrival, outcome, clock.now() - phaseStart);
      if (this.inFlightCount === 0 && this.drained) this.drained();
    };
    this.opts.send(arrival).then(settle, (err: unknown) =>
      settle({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  }
}
