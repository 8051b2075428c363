// Why: the balancer depends only on this interface (as tower's `Load`), so peak-EWMA and
// pending-requests metrics are swappable and the balancer never knows which one it compares.
export interface Load {
  /** Cost of sending one more request to this endpoint now; lower is better. */
  cost(now: number): number;
  /** A request starts now; call the returned function when it ends. `rtt: false` = no RTT sample. */
  start(now: number): (now: number, sample: boolean) => void;
  /** Requests in flight. */
  readonly pending: number;
}

/** Least-pending: the cost is the number of requests in flight. */
export class PendingLoad implements Load {
  pending = 0;

  cost(): number {
    return this.pending;
  }

  start(): (now: number, sample: boolean) => void {
    this.pending++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.pending--;
    };
  }
}
