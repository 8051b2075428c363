// Why: the contract between the runner and the load-generator process. The generator is
// told where to send and what load to offer; it answers with HDR histograms and counters,
// never with pre-digested numbers, so the runner and the result can merge and re-analyse.
import type { LoadSpec } from '../scenario/types.ts';
import type { RequestCounts, WarmupRecord, WindowPoint } from '../result/types.ts';

export interface LoadgenConfig {
  /** Base URLs (http://127.0.0.1:port); arrivals are spread over them round-robin. */
  targets: string[];
  /** Host header to send (the entry service's name, so a proxy can route); null = default. */
  hostHeader: string | null;
  load: LoadSpec;
  seed: number;
}

/** Messages from the runner to the generator process. */
export type LoadgenCommand = { type: 'start'; config: LoadgenConfig } | { type: 'stop' };

/** Messages from the generator process to the runner. */
export type LoadgenEvent =
  | { type: 'ready' }
  /** Warmup is over; the measured part (t = 0 of the fault timeline) starts now. */
  | { type: 'measure-start' }
  /** Once per finished 1 s window of the measured part, for live progress. */
  | { type: 'progress'; window: WindowPoint; inFlight: number }
  | { type: 'done'; result: LoadgenResult }
  | { type: 'error'; message: string };

export interface LoadgenResult {
  startedAt: string;
  measuredMs: number;
  requests: RequestCounts;
  /** Requests that did not succeed, by reason (src/load/failure-reason.ts). */
  failures: Record<string, number>;
  achievedRps: number;
  /** Latency of successful requests from the intended send time, µs HDR, compressed base64. */
  histogram: string;
  /** Latency of every completed request (failures included), µs HDR, compressed base64. */
  histogramAll: string;
  /** How long the warmup lasted and why it ended. */
  warmup: WarmupRecord;
  /** Actual − intended send time, µs HDR, compressed base64. */
  sendLateness: string;
  windows: WindowPoint[];
  /** Several generator pods (kubernetes): how many, and the spread of their measure starts —
   * the error of aligning their windows by index. Absent for one local generator. */
  generators?: { count: number; alignmentErrorMs: number };
}
