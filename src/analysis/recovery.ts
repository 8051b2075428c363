// Why: "did the system come back when the incident ended, and how fast?" is the question a retry
// storm answers. Recovery is read from the client's windows only: the first window at or after
// the incident's end from which the p99 of the successful requests stays within `p99Factor` of
// the p99 just before *that* incident and the success rate stays at or above `minSuccessRate`,
// for `stableMs`. A window without a single success is never healthy (its latency is not "low",
// it is missing). Resolution is the 1 s window.
import type { WindowPoint } from '../result/types.ts';
import type { RecoveryOptions } from '../scenario/types.ts';
import { successRate } from './window-stats.ts';

const WINDOW_MS = 1000;

export type RecoveryOutcome =
  | { status: 'recovered'; afterS: number; windowIndex: number }
  | { status: 'not-recovered' }
  /** Fewer windows after the end than `stableMs` needs: recovery cannot be judged. */
  | { status: 'no-time' };

/**
 * `after`: the windows from the incident's end up to where recovery may be looked for (the end
 * of the measured part, or the next incident), ascending.
 */
export function recoveryAfter(after: readonly WindowPoint[], endMs: number, baseP99: number, opts: RecoveryOptions): RecoveryOutcome {
  const stableWindows = Math.max(1, Math.ceil(opts.stableMs / WINDOW_MS));
  if (after.length < stableWindows) return { status: 'no-time' };
  const healthy = (w: WindowPoint) => w.p99 !== null && w.p99 <= baseP99 * opts.p99Factor && successRate(w) >= opts.minSuccessRate;
  for (let i = 0; i + stableWindows <= after.length; i++) {
    if (after.slice(i, i + stableWindows).every(healthy)) {
      return { status: 'recovered', afterS: Math.max(0, (after[i]!.t * WINDOW_MS - endMs) / 1000), windowIndex: i };
    }
  }
  return { status: 'not-recovered' };
}
