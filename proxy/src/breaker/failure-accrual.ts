// Why: an endpoint that fails every request (crashed, partitioned, its DB locked) also answers
// fastest, so a load-aware balancer would send it *more* traffic. Failure accrual (Finagle,
// Linkerd) ejects an endpoint after N consecutive failures and probes it again after a jittered
// exponential backoff: one probe at a time, a success revives it, a failure ejects it for longer.
// Pure: time is an argument, jitter comes from a seeded Rng.
import type { Rng } from '../../../src/core/rng.ts';
import type { BreakerConfig } from '../../../src/scenario/types.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Identifies which breaker epoch a request started in; late results of older epochs are ignored. */
export type Epoch = number;

export class FailureAccrual {
  private failures = 0;
  private ejections = 0;
  private reopenAt = 0;
  private epoch = 0;
  private current: BreakerState = 'closed';
  private probing = false;

  constructor(
    private readonly config: BreakerConfig,
    private readonly rng: Rng,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** When an open breaker lets its next probe through (clock ms). */
  get probeAt(): number {
    return this.reopenAt;
  }

  /** May a request be sent to this endpoint now? (An open breaker whose backoff ran out may probe.) */
  available(now: number): boolean {
    if (!this.config.enabled || this.current === 'closed') return true;
    if (this.current === 'half-open') return !this.probing;
    return now >= this.reopenAt;
  }

  /** A request to this endpoint starts; an expired open breaker turns half-open with this probe. */
  begin(now: number): Epoch {
    if (this.current === 'open' && now >= this.reopenAt) {
      this.current = 'half-open';
      this.probing = true;
      this.epoch++;
    }
    return this.epoch;
  }

  success(epoch: Epoch): void {
    if (epoch !== this.epoch) return;
    this.failures = 0;
    this.ejections = 0;
    this.probing = false;
    if (this.current !== 'closed') {
      this.current = 'closed';
      this.epoch++;
    }
  }

  /** Records a failure; true when it ejected the endpoint. */
  failure(epoch: Epoch, now: number): boolean {
    if (!this.config.enabled || epoch !== this.epoch) return false;
    this.failures++;
    if (this.current === 'half-open' || this.failures >= this.config.consecutiveFailures) {
      this.eject(now);
      return true;
    }
    return false;
  }

  private eject(now: number): void {
    const { minMs, maxMs, jitter } = this.config.backoff;
    const base = Math.min(maxMs, minMs * 2 ** this.ejections);
    this.reopenAt = now + base * (1 - jitter * this.rng.next());
    this.ejections++;
    this.failures = 0;
    this.probing = false;
    this.current = 'open';
    this.epoch++;
  }
}
