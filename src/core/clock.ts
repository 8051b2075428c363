// Why: policies (EWMA, budgets, breakers, schedules) must be testable without sleeping. They take
// the time as an argument or through this interface; tests pass a FakeClock they advance by hand.

export interface Clock {
  /** Monotonic milliseconds (fractional). Only differences are meaningful. */
  now(): number;
}

export const realClock: Clock = {
  now: () => performance.now(),
};

export class FakeClock implements Clock {
  private t: number;

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('FakeClock cannot go backwards');
    this.t += ms;
  }
}
