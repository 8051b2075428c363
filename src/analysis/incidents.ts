// Why: an incident (a DB lock, a kill) must be judged on its own: what it did while it lasted,
// and whether the system came back afterwards — compared with the windows just before *that*
// incident, not with the start of the run or with another incident. What is left once every
// incident and its recovery are taken out is the steady state, where the mesh's everyday cost
// is measured. Incidents are taken in the order they start, so an earlier incident's recovery is
// known before a later one looks for its "before". Pure: a function of one repeat's windows.
import type { IncidentRepeat, WindowPoint } from '../result/types.ts';
import type { FaultSpec, RecoveryOptions } from '../scenario/types.ts';
import { recoveryAfter } from './recovery.ts';
import { windowStats } from './window-stats.ts';

const WINDOW_MS = 1000;
/** "Just before": the steady seconds among the last this many before an incident are its baseline. */
const BEFORE_WINDOWS = 5;

export interface RepeatIncidents {
  /** One entry per fault, in the order of `faults`. */
  incidents: IncidentRepeat[];
  /** Window times (t) inside an incident or its recovery: not steady state. */
  excluded: Set<number>;
}

function overlaps(w: WindowPoint, fromMs: number, toMs: number): boolean {
  return w.t * WINDOW_MS < toMs && (w.t + 1) * WINDOW_MS > fromMs;
}

export function repeatIncidents(windows: readonly WindowPoint[], faults: readonly FaultSpec[], opts: RecoveryOptions, repeat: number): RepeatIncidents {
  const sorted = [...windows].sort((a, b) => a.t - b.t);
  const excluded = new Set<number>();
  const inAnyFault = (w: WindowPoint) => faults.some((f) => overlaps(w, f.atMs, f.atMs + Math.max(f.durationMs, 1)));
  const out = new Array<IncidentRepeat>(faults.length);
  const order = faults.map((f, i) => ({ f, i })).sort((a, b) => a.f.atMs - b.f.atMs || a.i - b.i);

  for (const { f, i } of order) {
    const endMs = f.atMs + f.durationMs;
    const touched = sorted.filter((w) => overlaps(w, f.atMs, Math.max(endMs, f.atMs + 1)));
    // "During" is the seconds wholly inside the incident as it ran: a second it only touches
    // mixes requests from before it (or after it) in; those seconds are not steady either.
    const inside = touched.filter((w) => w.t * WINDOW_MS >= f.atMs && (w.t + 1) * WINDOW_MS <= endMs);
    const during = inside.length > 0 ? inside : touched;
    // Only the seconds right before it: going further back (past another incident's unfinished
    // recovery) would compare with a system that no longer exists.
    const before = sorted.filter((w) => (w.t + 1) * WINDOW_MS <= f.atMs && w.t * WINDOW_MS >= f.atMs - BEFORE_WINDOWS * WINDOW_MS && !excluded.has(w.t) && !inAnyFault(w));
    // Recovery is looked for until the measured part ends or the next incident starts.
    const nextStart = Math.min(...faults.filter((g) => g.atMs >= endMs && g !== f).map((g) => g.atMs), Infinity);
    const after = sorted.filter((w) => w.t * WINDOW_MS >= endMs && (w.t + 1) * WINDOW_MS <= nextStart);
    for (const w of touched) excluded.add(w.t);

    const base = windowStats(before);
    const exclude = (ws: readonly WindowPoint[]) => ws.forEach((w) => excluded.add(w.t));
    let record: IncidentRepeat;
    if (base === null || base.p99 === null) {
      exclude(after);
      record = { repeat, before: base, during: windowStats(during), recovery: 'no-baseline', recoveredAfterS: null, recoveryWindows: after.length };
    } else {
      const outcome = recoveryAfter(after, endMs, base.p99, opts);
      if (outcome.status === 'recovered') {
        exclude(after.slice(0, outcome.windowIndex));
        record = { repeat, before: base, during: windowStats(during), recovery: 'recovered', recoveredAfterS: outcome.afterS, recoveryWindows: outcome.windowIndex };
      } else {
        exclude(after);
        record = { repeat, before: base, during: windowStats(during), recovery: outcome.status, recoveredAfterS: null, recoveryWindows: after.length };
      }
    }
    out[i] = record;
  }
  return { incidents: out, excluded };
}

/** The windows of a repeat that are steady state: outside every incident and its recovery. */
export function steadyWindows(windows: readonly WindowPoint[], excluded: ReadonlySet<number>): WindowPoint[] {
  return windows.filter((w) => !excluded.has(w.t));
}
