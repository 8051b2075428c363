// Why: the simulated database is what makes a service's capacity explicit: at most `size`
// queries run at once, the rest wait in FIFO order. A table lock holds every query that has a
// connection until the lock lifts, so the pool fills and the queue grows — the seed incident.
// Time is injected (a sleep function), so the queueing logic is tested without real timers.

export type Sleep = (ms: number) => Promise<void>;

export interface PoolCounters {
  inUse: number;
  queueDepth: number;
}

export class DbPool {
  private inUse = 0;
  private readonly waiters: Array<() => void> = [];
  private unlocked: Promise<void> = Promise.resolve();
  private unlock: (() => void) | null = null;
  private locks = 0;

  constructor(
    private readonly size: number,
    private readonly sleep: Sleep,
  ) {}

  counters(): PoolCounters {
    return { inUse: this.inUse, queueDepth: this.waiters.length };
  }

  /** Waits for a connection; returns the release function. */
  async acquire(): Promise<() => void> {
    if (this.inUse < this.size) {
      this.inUse++;
    } else {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.inUse--;
    };
  }

  /** Runs one query holding a connection: waits out any table lock, then the service time. */
  async query(serviceTimeMs: number, release: () => void): Promise<void> {
    try {
      await this.unlocked;
      await this.sleep(serviceTimeMs);
    } finally {
      release();
    }
  }

  /** Locks the table for `ms` (overlapping locks extend it); queries wait until it lifts. */
  lock(ms: number): void {
    if (this.locks++ === 0) {
      this.unlocked = new Promise<void>((resolve) => {
        this.unlock = resolve;
      });
    }
    void this.sleep(ms).then(() => {
      if (--this.locks > 0) return;
      this.unlocked = Promise.resolve();
      this.unlock?.();
      this.unlock = null;
    });
  }

  locked(): boolean {
    return this.locks > 0;
  }
}
