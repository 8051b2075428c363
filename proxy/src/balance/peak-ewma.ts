// Why: peak-EWMA (Finagle, linkerd2) reacts to a slow endpoint at once — a sample above the
// estimate replaces it — but forgets slowly, decaying towards newer samples (and towards zero
// while idle, so a once-slow endpoint is eventually tried again). Multiplied by the requests in
// flight it predicts the wait of the next request. Time is an argument: no clock to mock.
import type { Load } from './load.ts';

export class PeakEwma {
  private estimate: number;
  private stamp: number;

  constructor(
    private readonly decayMs: number,
    initial: number,
    now: number,
  ) {
    this.estimate = initial;
    this.stamp = now;
  }

  /** Adds a sample: above the estimate it replaces it, below it blends in by elapsed time. */
  add(sample: number, now: number): number {
    if (sample > this.estimate) {
      this.estimate = sample;
    } else {
      const w = Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
      this.estimate = this.estimate * w + sample * (1 - w);
    }
    this.stamp = Math.max(this.stamp, now);
    return this.estimate;
  }

  /** The estimate now, decayed towards zero for the time since the last sample (Finagle's get). */
  value(now: number): number {
    return this.add(0, now);
  }
}

export class PeakEwmaLoad implements Load {
  pending = 0;
  private readonly rtt: PeakEwma;

  constructor(decayMs: number, defaultRttMs: number, now: number) {
    this.rtt = new PeakEwma(decayMs, defaultRttMs, now);
  }

  cost(now: number): number {
    return this.rtt.value(now) * (this.pending + 1);
  }

  rttEstimate(now: number): number {
    return this.rtt.value(now);
  }

  start(startedAt: number): (now: number, sample: boolean) => void {
    this.pending++;
    let done = false;
    return (now, sample) => {
      if (done) return;
      done = true;
      this.pending--;
      if (sample) this.rtt.add(now - startedAt, now);
    };
  }
}
