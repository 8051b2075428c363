// Why: retry amplification answers "how much extra load did retries put on a dependency?". It
// is read per call edge from the caller's own counters — attempts made ÷ requests that made
// any — with both counted when a request finished, so a naive client with R retries can never
// read above 1 + R in any window, and a proxy that fails requests fast (no attempt at all) reads
// ≥ 1 on the attempts it did make; its fast failures are counted apart. (Dividing arrivals at
// the callee by requests *sent* in a window read 16× with retries: 2 when sends collapsed.)
import type { ArmResult, EdgeSeries, EdgeSummary, RepeatResult } from '../result/types.ts';

type EdgeWindow = EdgeSeries['windows'][number];

/** attempts ÷ attempted in one window; null when no request of the edge finished in it. */
export function windowAmplification(w: EdgeWindow): number | null {
  return w.attempted > 0 ? w.attempts / w.attempted : null;
}

export function edgeName(e: { from: string; to: string }): string {
  return `${e.from}->${e.to}`;
}

/** Per edge over the given repeats: peak window, mean (all attempts ÷ all attempted), fast failures. */
export function edgeSummaries(repeats: readonly RepeatResult[]): EdgeSummary[] {
  const byEdge = new Map<string, EdgeSummary & { attempts: number; attempted: number }>();
  for (const r of repeats) {
    for (const e of r.edges ?? []) {
      const name = edgeName(e);
      const s = byEdge.get(name) ?? { edge: name, from: e.from, to: e.to, caller: e.caller, peak: 0, mean: 0, requests: 0, notAttempted: 0, attempts: 0, attempted: 0 };
      for (const w of e.windows) {
        const a = windowAmplification(w);
        if (a !== null) s.peak = Math.max(s.peak, a);
        s.requests += w.requests;
        s.notAttempted += w.requests - w.attempted;
        s.attempts += w.attempts;
        s.attempted += w.attempted;
      }
      byEdge.set(name, s);
    }
  }
  return [...byEdge.values()]
    .filter((s) => s.attempted > 0)
    .map(({ attempts, attempted, ...s }) => ({ ...s, mean: attempts / attempted }));
}

/** The arm's figure for gates and the table: the edge with the highest peak (an inner edge on a tie). */
export function armAmplification(edges: readonly EdgeSummary[]): ArmResult['amplification'] {
  const inner = (e: EdgeSummary) => (e.from === 'client' ? 1 : 0);
  const worst = [...edges].sort((a, b) => b.peak - a.peak || b.mean - a.mean || inner(a) - inner(b))[0];
  return worst ? { peak: worst.peak, mean: worst.mean, edge: worst.edge } : null;
}

/** Peak amplification of one repeat over all its edges; null when no edge was measured. */
export function repeatAmplificationPeak(repeat: RepeatResult): number | null {
  return armAmplification(edgeSummaries([repeat]))?.peak ?? null;
}

