// Why: when the measured part of a phase starts is decided during the phase (the warmup lasts
// until the latency has settled), so the schedule, the window marks and the recorder must agree
// on one decision per boundary. This object holds it: the schedule asks at the boundaries it
// reaches, the marks ask at each whole second, whoever comes first decides, and the answer is
// remembered. Marks run before arrivals due at the same instant, so t = 0 of the measured part
// (measure-start) always precedes its first arrival.
import type { LoadSpec } from '../scenario/types.ts';
import type { WarmupRecord } from '../result/types.ts';
import type { Mark } from './executor.ts';
import { WINDOW_MS, type Recorder } from './recorder.ts';
import { warmupRate, type WarmupGate } from './schedule.ts';
import { isFixed, warmupBoundaries, warmupDecision, type WarmupEnd, type WarmupPolicy } from './warmup-policy.ts';

function warmupPolicy(load: LoadSpec): WarmupPolicy {
  const minMs = load.warmupS * 1000;
  // A warmup without arrivals (a ramp from 0) has no latency to watch: it lasts its minimum.
  const maxMs = warmupRate(load) > 0 ? Math.max(minMs, load.warmupMaxS * 1000) : minMs;
  return { minMs, maxMs, requests: load.warmupRequests };
}

export class PhaseTimeline implements WarmupGate {
  readonly boundaries: readonly number[];
  private readonly policy: WarmupPolicy;
  private readonly decided = new Map<number, boolean>();
  private endedBy: WarmupEnd | null = null;
  private endMs: number | null = null;
  private readonly durationMs: number;

  constructor(
    load: LoadSpec,
    private readonly recorder: Recorder,
    private readonly onMeasureStart: () => void,
  ) {
    this.policy = warmupPolicy(load);
    this.boundaries = warmupBoundaries(this.policy);
    this.durationMs = load.durationS * 1000;
  }

  /** Phase offset of the measured part's t = 0, once decided. */
  get measureStartMs(): number | null {
    return this.endMs;
  }

  endsAt(boundaryMs: number): boolean {
    const known = this.decided.get(boundaryMs);
    if (known !== undefined) return known;
    const last = boundaryMs === this.boundaries.at(-1);
    const end = warmupDecision(this.policy, boundaryMs, this.recorder.settledWarmupWindows()) ?? (last ? 'max' : null);
    const ends = end !== null && this.endMs === null;
    this.decided.set(boundaryMs, ends);
    if (ends) {
      this.endMs = boundaryMs;
      this.endedBy = isFixed(this.policy) ? 'fixed' : end;
    }
    return ends;
  }

  /** Warmup ticks each second (and at each boundary), then one mark per measured window end. */
  *marks(): Generator<Mark> {
    const warmupMarks = (): number[] => [...new Set([...this.boundaries, ...Array.from({ length: Math.ceil(this.policy.maxMs / WINDOW_MS) + 1 }, (_, s) => s * WINDOW_MS)])].sort((a, b) => a - b);
    for (const atMs of warmupMarks()) {
      yield { atMs, run: () => this.warmupTick(atMs) };
      if (this.endMs !== null && atMs >= this.endMs) break;
    }
    const start = this.endMs;
    if (start === null) return;
    for (let end = WINDOW_MS; end < this.durationMs + WINDOW_MS; end += WINDOW_MS) {
      const windowEnd = Math.min(end, this.durationMs);
      yield { atMs: start + windowEnd, run: () => this.recorder.closeThrough(windowEnd) };
    }
  }

  warmupRecord(): WarmupRecord {
    return { ms: this.endMs ?? 0, endedBy: this.endedBy ?? 'max', windows: this.recorder.warmupRecord() };
  }

  private warmupTick(atMs: number): void {
    if (this.endMs !== null && atMs > this.endMs) return;
    this.recorder.closeWarmupThrough(atMs);
    const ends = this.boundaries.includes(atMs) ? this.endsAt(atMs) : false;
    if (ends || atMs === this.endMs) {
      this.recorder.startMeasurement(atMs);
      this.onMeasureStart();
    }
  }
}
