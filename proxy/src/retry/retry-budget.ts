// Why budgets and not max retries? "Retry 3 times" quadruples the load on a dependency exactly
// when it is failing, which is how a slow dependency becomes a retry storm. A budget (Finagle's
// RetryBudget) lets retries add at most `percentCanRetry` of the recent requests, plus a small
// reserve (`minRetriesPerSec` × ttl) so low-traffic clients can still retry. Every request
// deposits one token, every retry withdraws 1/percent tokens, and both expire after `ttlMs`.
// Pure: time is an argument.

export interface RetryBudgetConfig {
  percentCanRetry: number;
  minRetriesPerSec: number;
  ttlMs: number;
}

/** Fixed-point scale, as in Finagle, so fractional percentages stay exact integers. */
const SCALE = 1000;
const SLICES = 10;

export class RetryBudget {
  private readonly depositAmount: number;
  private readonly withdrawal: number;
  private readonly reserve: number;
  private readonly window: WindowedSum;

  constructor(config: RetryBudgetConfig) {
    // With no percentage, requests deposit nothing and only the reserve can be spent.
    this.depositAmount = config.percentCanRetry > 0 ? SCALE : 0;
    this.withdrawal = config.percentCanRetry > 0 ? Math.floor(SCALE / config.percentCanRetry) : 1;
    this.reserve = config.minRetriesPerSec * (config.ttlMs / 1000) * this.withdrawal;
    this.window = new WindowedSum(config.ttlMs);
  }

  /** One request was made (retries do not deposit). */
  deposit(now: number): void {
    this.window.add(this.depositAmount, now);
  }

  /** Takes one retry from the budget; false (and nothing taken) when it is spent. */
  tryWithdraw(now: number): boolean {
    if (this.balance(now) < this.withdrawal) return false;
    this.window.add(-this.withdrawal, now);
    return true;
  }

  /** Retries the budget would allow right now. */
  available(now: number): number {
    return Math.max(0, Math.floor(this.balance(now) / this.withdrawal));
  }

  private balance(now: number): number {
    return this.window.sum(now) + this.reserve;
  }
}

/** Sum of the values added during the last `windowMs`, kept in slices (expiry is per slice). */
class WindowedSum {
  private readonly sliceMs: number;
  private readonly values = new Float64Array(SLICES);
  private readonly ids = new Float64Array(SLICES).fill(-Infinity);

  constructor(windowMs: number) {
    this.sliceMs = windowMs / SLICES;
  }

  add(value: number, now: number): void {
    const id = Math.floor(now / this.sliceMs);
    const i = ((id % SLICES) + SLICES) % SLICES;
    if (this.ids[i] !== id) {
      this.ids[i] = id;
      this.values[i] = 0;
    }
    this.values[i]! += value;
  }

  sum(now: number): number {
    const id = Math.floor(now / this.sliceMs);
    let total = 0;
    for (let i = 0; i < SLICES; i++) if (this.ids[i]! > id - SLICES) total += this.values[i]!;
    return total;
  }
}
