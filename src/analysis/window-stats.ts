// Why: every figure about a stretch of the measured part — before an incident, during it, the
// steady state — is computed the same way from its 1 s windows: latency of the successful
// requests (merged histograms, not an average of percentiles), success rate over what was
// scheduled, goodput, and the failures by reason.
import type { WindowPoint, WindowStats } from '../result/types.ts';
import { countReason } from '../load/failure-reason.ts';
import { decodeHistogram, mergeHistograms, summarizeMs, type Histogram } from '../stats/histogram.ts';

/** ok ÷ scheduled: dropped arrivals count as failed; an empty window counts as healthy. */
export function successRate(w: Pick<WindowPoint, 'ok' | 'scheduled'>): number {
  return w.scheduled === 0 ? 1 : w.ok / w.scheduled;
}

/** The successful requests' latency of these windows, merged. */
export function mergedWindowHistogram(windows: readonly WindowPoint[]): Histogram {
  return mergeHistograms(windows.filter((w) => w.histogram).map((w) => decodeHistogram(w.histogram)));
}

/** Figures of a stretch of windows; null when there are none. */
export function windowStats(windows: readonly WindowPoint[]): WindowStats | null {
  if (windows.length === 0) return null;
  const latency = summarizeMs(mergedWindowHistogram(windows));
  const scheduled = windows.reduce((n, w) => n + w.scheduled, 0);
  const ok = windows.reduce((n, w) => n + w.ok, 0);
  const failures: Record<string, number> = {};
  for (const w of windows) for (const [reason, n] of Object.entries(w.failures ?? {})) countReason(failures, reason, n);
  return {
    windows: windows.length,
    p50: latency.count > 0 ? latency.p50 : null,
    p99: latency.count > 0 ? latency.p99 : null,
    successRate: successRate({ ok, scheduled }),
    goodputRps: ok / windows.length,
    failures,
  };
}
