// Why: the executor emits events; this turns them into what the run result stores — HDR
// histograms of latency from the intended send time (whole measured part and per 1 s window)
// and of send lateness, plus counters. A request belongs to the window of its intended send
// time, so a stall shows up where it began, not where its victims finally completed. Warmup
// arrivals are ignored. A window is published once its time is over and its requests settled;
// published windows carry their histogram only in the final result.
import { encodeHistogram, newHistogram, recordMs, summarizeMs, type Histogram } from '../stats/histogram.ts';
import type { RequestCounts, WindowPoint } from '../result/types.ts';
import type { Arrival } from './schedule.ts';
import type { ExecutorSink, Outcome } from './executor.ts';
import type { LoadgenResult } from './types.ts';

export const WINDOW_MS = 1000;

interface WindowState {
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  pending: number;
  histogram: Histogram;
}

export class Recorder implements ExecutorSink {
  private readonly measureStartMs: number;
  private readonly onWindow: (window: WindowPoint) => void;
  private readonly latency = newHistogram();
  private readonly lateness = newHistogram();
  private readonly counts: RequestCounts = {
    scheduled: 0,
    sent: 0,
    ok: 0,
    errors: 0,
    timeouts: 0,
    dropped: 0,
    byStatus: {},
  };
  private readonly windows: WindowState[] = [];
  /** Windows [0, closed) are over in time; [0, published) have been handed to onWindow. */
  private closed = 0;
  private published: WindowPoint[] = [];

  /** `measureStartMs`: offset of the measured part from the phase start (as in Arrival.atMs). */
  constructor(measureStartMs: number, onWindow: (window: WindowPoint) => void = () => {}) {
    this.measureStartMs = measureStartMs;
    this.onWindow = onWindow;
  }

  dropped(arrival: Arrival): void {
    if (arrival.warmup) return;
    const w = this.windowOf(arrival);
    this.counts.scheduled++;
    this.counts.dropped++;
    w.scheduled++;
    w.dropped++;
  }

  sent(arrival: Arrival, sentAtMs: number): void {
    if (arrival.warmup) return;
    const w = this.windowOf(arrival);
    this.counts.scheduled++;
    this.counts.sent++;
    w.scheduled++;
    w.sent++;
    w.pending++;
    recordMs(this.lateness, sentAtMs - arrival.atMs);
  }

  completed(arrival: Arrival, outcome: Outcome, doneAtMs: number): void {
    if (arrival.warmup) return;
    const w = this.windowOf(arrival);
    const latencyMs = doneAtMs - arrival.atMs;
    recordMs(this.latency, latencyMs);
    recordMs(w.histogram, latencyMs);
    w.pending--;
    if (outcome.kind === 'timeout') {
      this.counts.timeouts++;
      w.timeouts++;
    } else if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
      this.counts.ok++;
      w.ok++;
    } else {
      this.counts.errors++;
      w.errors++;
    }
    if (outcome.kind === 'response') {
      const key = String(outcome.status);
      this.counts.byStatus[key] = (this.counts.byStatus[key] ?? 0) + 1;
    }
    this.publishSettled();
  }

  /** Time has reached `measuredMs` (from the measurement start): windows ending by then are over. */
  closeThrough(measuredMs: number): void {
    this.closed = Math.max(this.closed, Math.floor(measuredMs / WINDOW_MS + 1e-9));
    this.publishSettled();
  }

  /** The run ended after `measuredMs` of measurement: every window that started is over. */
  finish(measuredMs: number): void {
    this.closed = Math.max(this.closed, Math.ceil(measuredMs / WINDOW_MS - 1e-9));
    this.publishSettled();
  }

  result(startedAt: string, measuredMs: number): LoadgenResult {
    return {
      startedAt,
      measuredMs,
      requests: { ...this.counts, byStatus: { ...this.counts.byStatus } },
      achievedRps: measuredMs > 0 ? this.counts.sent / (measuredMs / 1000) : 0,
      histogram: encodeHistogram(this.latency),
      sendLateness: encodeHistogram(this.lateness),
      // Window histograms are encoded only now: encoding costs milliseconds, which during the
      // run would stall the event loop once a second and show up as send lateness.
      windows: this.published.map((point) => ({ ...point, histogram: encodeHistogram(this.windows[point.t]?.histogram ?? newHistogram()) })),
    };
  }

  private windowOf(arrival: Arrival): WindowState {
    const index = Math.max(0, Math.floor((arrival.atMs - this.measureStartMs) / WINDOW_MS));
    while (this.windows.length <= index) {
      this.windows.push({
        scheduled: 0,
        sent: 0,
        ok: 0,
        errors: 0,
        timeouts: 0,
        dropped: 0,
        pending: 0,
        histogram: newHistogram(),
      });
    }
    return this.windows[index]!;
  }

  private publishSettled(): void {
    while (this.published.length < this.closed) {
      const index = this.published.length;
      const w = this.windows[index];
      if (w && w.pending > 0) return;
      const point = toPoint(index, w);
      this.published.push(point);
      this.onWindow(point);
    }
  }
}

function toPoint(t: number, w: WindowState | undefined): WindowPoint {
  const h = w?.histogram ?? newHistogram();
  const summary = summarizeMs(h);
  return {
    t,
    scheduled: w?.scheduled ?? 0,
    sent: w?.sent ?? 0,
    ok: w?.ok ?? 0,
    errors: w?.errors ?? 0,
    timeouts: w?.timeouts ?? 0,
    dropped: w?.dropped ?? 0,
    p50: summary.p50,
    p99: summary.p99,
    max: summary.max,
    histogram: '',
  };
}
