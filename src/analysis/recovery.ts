// Why: "did the system come back when the fault ended, and how fast?" is the question a retry
// storm answers. Recovery is read from the client's windows only: the first window at or after
// the fault's end from which p99 stays within `p99Factor` of the pre-fault p99 and the success
// rate stays at or above `minSuccessRate` for `stableMs`. Resolution is the 1 s window.
import type { FaultRecord, WindowPoint } from '../result/types.ts';
import type { RecoveryOptions } from '../scenario/types.ts';

const WINDOW_MS = 1000;

export function successRate(w: WindowPoint): number {
  return w.scheduled === 0 ? 1 : w.ok / w.scheduled;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Pre-fault p99: the median windowed p99 before the earliest fault starts (null if none). */
export function baselineP99(windows: WindowPoint[], firstFaultStartMs: number): number | null {
  const before = windows.filter((w) => (w.t + 1) * WINDOW_MS <= firstFaultStartMs && w.sent > 0);
  return before.length > 0 ? median(before.map((w) => w.p99)) : null;
}

/**
 * Seconds after the fault ended until the client was back to normal and stayed there;
 * null when it never was within the measured windows.
 */
export function recoveredAfterS(
  windows: WindowPoint[],
  fault: Pick<FaultRecord, 'requestedStopMs'>,
  baseP99: number,
  opts: RecoveryOptions,
): number | null {
  const stableWindows = Math.max(1, Math.ceil(opts.stableMs / WINDOW_MS));
  const healthy = (w: WindowPoint) => w.p99 <= baseP99 * opts.p99Factor && successRate(w) >= opts.minSuccessRate;
  const firstAfter = windows.findIndex((w) => w.t * WINDOW_MS >= fault.requestedStopMs);
  if (firstAfter < 0) return null;
  for (let i = firstAfter; i + stableWindows <= windows.length; i++) {
    if (windows.slice(i, i + stableWindows).every(healthy)) {
      return Math.max(0, (windows[i]!.t * WINDOW_MS - fault.requestedStopMs) / 1000);
    }
  }
  return null;
}
