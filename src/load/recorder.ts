// Why: the executor emits events; this turns them into what the run result stores — HDR
// histograms of latency from the intended send time (whole measured part and per 1 s window),
// kept twice: for successful requests (the headline: a fast failure must never make an arm look
// faster) and for every completed request (labelled "all"); failures by reason; send lateness;
// counters. A request belongs to the window of its intended send time, so a stall shows up
// where it began, not where its victims finally completed. Warmup requests go to warmup windows
// of their own, which only decide when the warmup may end. A window is published once its time
// is over and its requests settled; published windows carry their histograms only in the final
// result.
//
// Nothing slow runs while load is sent: a window's live p50/p99 (progress, capacity's collapse
// check, the warmup) come from small 2-digit histograms kept beside the 3-digit ones, and the
// result's figures and encodings are computed once the load is over. (Summarising the 3-digit
// windows live stalled the event loop 20–40 ms a second: the generator's old floor.)
import { encodeHistogram, newHistogram, newLiveHistogram, quickSummaryMs, recordMs, type Histogram } from '../stats/histogram.ts';
import type { RequestCounts, WindowPoint } from '../result/types.ts';
import type { Arrival } from './schedule.ts';
import type { ExecutorSink, Outcome } from './executor.ts';
import { countReason, failureReason } from './failure-reason.ts';
import type { WarmupWindow } from './warmup-policy.ts';
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
  failures: Record<string, number>;
  histogram: Histogram;
  histogramAll: Histogram;
  /** 2-digit copies for live figures; dropped once the window is published. */
  live: { histogram: Histogram; histogramAll: Histogram } | null;
}

const newWindow = (): WindowState => ({
  scheduled: 0,
  sent: 0,
  ok: 0,
  errors: 0,
  timeouts: 0,
  dropped: 0,
  pending: 0,
  failures: {},
  histogram: newHistogram(),
  histogramAll: newHistogram(),
  live: { histogram: newLiveHistogram(), histogramAll: newLiveHistogram() },
});

export class Recorder implements ExecutorSink {
  private readonly onWindow: (window: WindowPoint) => void;
  private measureStartMs: number | null;
  private readonly latency = newHistogram();
  private readonly latencyAll = newHistogram();
  private readonly lateness = newHistogram();
  private readonly failures: Record<string, number> = {};
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
  private readonly warmupWindows: WindowState[] = [];
  /** Warmup windows [0, warmupClosed) are over in time. */
  private warmupClosed = 0;
  /** Windows [0, closed) are over in time; [0, published) have been handed to onWindow. */
  private closed = 0;
  private published: WindowPoint[] = [];

  /**
   * `measureStartMs`: offset of the measured part from the phase start (as in Arrival.atMs);
   * null when the warmup decides it later (startMeasurement).
   */
  constructor(measureStartMs: number | null, onWindow: (window: WindowPoint) => void = () => {}) {
    this.measureStartMs = measureStartMs;
    this.onWindow = onWindow;
  }

  startMeasurement(atMs: number): void {
    this.measureStartMs = atMs;
  }

  dropped(arrival: Arrival): void {
    const w = this.windowOf(arrival);
    w.scheduled++;
    w.dropped++;
    countReason(w.failures, 'dropped');
    if (arrival.warmup) return;
    this.counts.scheduled++;
    this.counts.dropped++;
    countReason(this.failures, 'dropped');
  }

  sent(arrival: Arrival, sentAtMs: number): void {
    const w = this.windowOf(arrival);
    w.scheduled++;
    w.sent++;
    w.pending++;
    if (arrival.warmup) return;
    this.counts.scheduled++;
    this.counts.sent++;
    recordMs(this.lateness, sentAtMs - arrival.atMs);
  }

  completed(arrival: Arrival, outcome: Outcome, doneAtMs: number): void {
    const w = this.windowOf(arrival);
    const latencyMs = doneAtMs - arrival.atMs;
    const reason = failureReason(outcome);
    w.pending--;
    recordMs(w.histogramAll, latencyMs);
    if (w.live) recordMs(w.live.histogramAll, latencyMs);
    if (reason === null) {
      w.ok++;
      recordMs(w.histogram, latencyMs);
      if (w.live) recordMs(w.live.histogram, latencyMs);
    } else {
      countReason(w.failures, reason);
      if (outcome.kind === 'timeout') w.timeouts++;
      else w.errors++;
    }
    if (arrival.warmup) return;
    recordMs(this.latencyAll, latencyMs);
    if (reason === null) {
      this.counts.ok++;
      recordMs(this.latency, latencyMs);
    } else {
      countReason(this.failures, reason);
      if (outcome.kind === 'timeout') this.counts.timeouts++;
      else this.counts.errors++;
    }
    if (outcome.kind === 'response') {
      const key = String(outcome.status);
      this.counts.byStatus[key] = (this.counts.byStatus[key] ?? 0) + 1;
    }
    this.publishSettled();
  }

  /** The phase reached `phaseMs`: warmup windows ending by then are over. */
  closeWarmupThrough(phaseMs: number): void {
    this.warmupClosed = Math.max(this.warmupClosed, Math.floor(phaseMs / WINDOW_MS + 1e-9));
  }

  /** Finished warmup windows whose requests have all completed, ascending, up to the first unfinished one. */
  settledWarmupWindows(): WarmupWindow[] {
    const out: WarmupWindow[] = [];
    for (let t = 0; t < this.warmupClosed; t++) {
      const w = this.warmupWindows[t] ?? newWindow();
      if (w.pending > 0) break;
      out.push({ t, sent: w.sent, ok: w.ok, p99: w.ok > 0 ? quickSummaryMs(w.live?.histogram ?? w.histogram).p99 : null });
    }
    return out;
  }

  /** Every warmup window that started, for the result (p99 of the successes, or null). */
  warmupRecord(): WarmupWindow[] {
    return this.warmupWindows.map((w, t) => ({ t, sent: w.sent, ok: w.ok, p99: w.ok > 0 ? quickSummaryMs(w.histogram).p99 : null }));
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

  result(startedAt: string, measuredMs: number, warmup: LoadgenResult['warmup']): LoadgenResult {
    return {
      startedAt,
      measuredMs,
      requests: { ...this.counts, byStatus: { ...this.counts.byStatus } },
      failures: { ...this.failures },
      achievedRps: measuredMs > 0 ? this.counts.sent / (measuredMs / 1000) : 0,
      histogram: encodeHistogram(this.latency),
      histogramAll: encodeHistogram(this.latencyAll),
      sendLateness: encodeHistogram(this.lateness),
      warmup,
      // Window figures from the 3-digit histograms, and their encodings, only now: each costs
      // milliseconds, which during the run would stall the event loop and show up as send lateness.
      windows: this.published.map((point) => {
        const w = this.windows[point.t];
        return {
          ...point,
          ...figures(w?.histogram ?? newHistogram(), w?.histogramAll ?? newHistogram()),
          histogram: encodeHistogram(w?.histogram ?? newHistogram()),
          histogramAll: encodeHistogram(w?.histogramAll ?? newHistogram()),
        };
      }),
    };
  }

  private windowOf(arrival: Arrival): WindowState {
    const list = arrival.warmup ? this.warmupWindows : this.windows;
    const origin = arrival.warmup ? 0 : (this.measureStartMs ?? 0);
    const index = Math.max(0, Math.floor((arrival.atMs - origin) / WINDOW_MS));
    while (list.length <= index) list.push(newWindow());
    return list[index]!;
  }

  private publishSettled(): void {
    while (this.published.length < this.closed) {
      const index = this.published.length;
      const w = this.windows[index];
      if (w && w.pending > 0) return;
      const point = toPoint(index, w);
      if (w) w.live = null;
      this.published.push(point);
      this.onWindow(point);
    }
  }
}

/** A window's latency figures: p50, p99 and max of the successes, p50 and p99 of all. */
function figures(histogram: Histogram, histogramAll: Histogram): Pick<WindowPoint, 'p50' | 'p99' | 'max' | 'p50All' | 'p99All'> {
  const ok = quickSummaryMs(histogram);
  const all = quickSummaryMs(histogramAll);
  return {
    p50: ok.count > 0 ? ok.p50 : null,
    p99: ok.count > 0 ? ok.p99 : null,
    max: ok.count > 0 ? ok.max : null,
    p50All: all.count > 0 ? all.p50 : null,
    p99All: all.count > 0 ? all.p99 : null,
  };
}

/** The live point of a window (2-digit figures; the result replaces them with 3-digit ones). */
function toPoint(t: number, w: WindowState | undefined): WindowPoint {
  const source = w?.live ?? w ?? { histogram: newLiveHistogram(), histogramAll: newLiveHistogram() };
  return {
    t,
    scheduled: w?.scheduled ?? 0,
    sent: w?.sent ?? 0,
    ok: w?.ok ?? 0,
    errors: w?.errors ?? 0,
    timeouts: w?.timeouts ?? 0,
    dropped: w?.dropped ?? 0,
    failures: { ...(w?.failures ?? {}) },
    ...figures(source.histogram, source.histogramAll),
    histogram: '',
    histogramAll: '',
  };
}
