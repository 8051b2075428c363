// Why: Prometheus histograms need fixed buckets; recording is one short scan over a constant
// array, so it stays O(1) on the request path. Cumulative counts are computed only at scrape.

/** Upper bounds in milliseconds, Linkerd-like: fine below 100 ms where mesh overhead lives. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10_000,
];

export class LatencyHistogram {
  /** counts[i] = samples ≤ LATENCY_BUCKETS_MS[i] and > the previous bound; last slot = +Inf. */
  readonly counts = new Float64Array(LATENCY_BUCKETS_MS.length + 1);
  sumMs = 0;
  count = 0;

  observe(ms: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
    this.counts[i]!++;
    this.sumMs += ms;
    this.count++;
  }
}
