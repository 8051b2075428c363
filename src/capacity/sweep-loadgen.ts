// Why: a capacity sweep runs dozens of short open-loop steps, and a freshly started generator
// process stalls in its first seconds (V8 warming up): measured on the 2-core VM, 2-second steps
// from fresh generators had a send lateness p99 of 17–45 ms, and the same steps from one warm
// generator 0.4–2.5 ms. So the sweep keeps one generator for all its steps — the worker accepts
// a new `start` after `done` — and starts a fresh one only if it dies. Its process is registered
// with the teardown.
import { InternalError } from '../core/errors.ts';
import type { LoadgenCommand, LoadgenConfig, LoadgenEvent, LoadgenResult } from '../load/types.ts';
import type { WindowPoint } from '../result/types.ts';
import { startChild, type Child } from '../runtime/child.ts';
import type { Teardown } from '../runtime/teardown.ts';

export interface LoadHandlers {
  /** The warmup is over: the measured part starts now. */
  onMeasureStart(): void;
  /** A measured window settled. */
  onWindow(window: WindowPoint, inFlight: number): void;
}

interface Running {
  handlers: LoadHandlers;
  resolve(result: LoadgenResult): void;
  reject(err: Error): void;
}

export class SweepLoadgen {
  private child: Child<LoadgenCommand, LoadgenEvent> | null = null;
  private ready: Promise<unknown> | null = null;
  private stopChild: (() => Promise<void>) | null = null;
  private current: Running | null = null;

  constructor(private readonly teardown: Teardown) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  private start(): Promise<unknown> {
    const child = startChild<LoadgenCommand, LoadgenEvent>('src/load/worker.ts', { label: 'loadgen' });
    this.child = child;
    this.stopChild = this.teardown.add('process loadgen', () => child.stop());
    this.ready = child.next('ready');
    child.onMessage((event) => {
      const running = this.current;
      if (!running) return;
      if (event.type === 'measure-start') running.handlers.onMeasureStart();
      else if (event.type === 'progress') running.handlers.onWindow(event.window, event.inFlight);
      else if (event.type === 'done') this.settle(() => running.resolve(event.result));
      else if (event.type === 'error') this.settle(() => running.reject(new InternalError(`load generator failed: ${event.message}`)));
    });
    void child.exited.then(({ code, signal }) => {
      if (this.child === child) this.child = null;
      const running = this.current;
      if (running) this.settle(() => running.reject(new InternalError(`the load generator exited (code ${code}, signal ${signal}) during a step:\n${child.stderrTail()}`)));
    });
    return this.ready;
  }

  private settle(finish: () => void): void {
    this.current = null;
    finish();
  }

  /** Offers one load; resolves with what the generator measured. */
  async run(config: LoadgenConfig, handlers: LoadHandlers, timeoutMs: number): Promise<LoadgenResult> {
    if (this.current) throw new InternalError('a sweep step started while another was running');
    await (this.child ? this.ready : this.start());
    const child = this.child;
    if (!child) throw new InternalError('the load generator exited before its step');
    return new Promise<LoadgenResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A generator that does not answer is replaced for the next step.
        void this.close();
        reject(new InternalError(`the load generator did not finish a step within ${timeoutMs} ms`));
      }, timeoutMs);
      this.current = {
        handlers,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      child.send({ type: 'start', config });
    });
  }

  /** Ends the running load early; it still resolves with what was measured. */
  stopLoad(): void {
    if (this.current) this.child?.send({ type: 'stop' });
  }

  /** Stops the generator process. */
  async close(): Promise<void> {
    const stop = this.stopChild;
    this.child = null;
    this.stopChild = null;
    await stop?.();
  }
}
