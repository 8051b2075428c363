// Why: every capacity step needs a fresh load generator process (one worker per load, as the
// worker's protocol requires), and starting one costs about a second of TypeScript loading —
// a large share of a 3-second step. A supply starts the next generator as soon as a step's
// measurement is over (never during one: on two cores its start-up would be measured too), so
// it loads while the sweep drains the topology and decides the next rate. Every process it
// starts is registered with the teardown.
import type { LoadgenCommand, LoadgenEvent } from '../load/types.ts';
import { startChild, type Child } from '../runtime/child.ts';
import type { Teardown } from '../runtime/teardown.ts';

export type Loadgen = Child<LoadgenCommand, LoadgenEvent>;

interface Pending {
  child: Loadgen;
  ready: Promise<unknown>;
  stop: () => Promise<void>;
}

export class LoadgenSupply {
  private spare: Pending | null = null;

  constructor(private readonly teardown: Teardown) {}

  private start(): Pending {
    const child = startChild<LoadgenCommand, LoadgenEvent>('src/load/worker.ts', { label: 'loadgen' });
    // Listen for 'ready' at once: it may arrive long before the generator is taken.
    const ready = child.next('ready');
    ready.catch(() => {});
    return { child, ready, stop: this.teardown.add('process loadgen', () => child.stop()) };
  }

  /** A generator that is ready for its `start`, and its stop. */
  async take(): Promise<{ loadgen: Loadgen; stop: () => Promise<void> }> {
    const next = this.spare ?? this.start();
    this.spare = null;
    await next.ready;
    return { loadgen: next.child, stop: next.stop };
  }

  /** Starts the generator the next `take` will get; call when nothing is being measured. */
  prepare(): void {
    this.spare ??= this.start();
  }

  /** Stops the spare generator. */
  async close(): Promise<void> {
    const spare = this.spare;
    this.spare = null;
    await spare?.stop();
  }
}
