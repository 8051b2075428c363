// Why: turns a run's measurements into the answers a reader wants first — the steady state and
// the mesh's cost there, each incident with its recovery (per arm and per repeat), whether the
// run can be trusted, and a few lines saying so. Pure: a function of the run result, so
// `meshbench report` re-derives it from saved JSON, including results of an older version.
import type { ArmName, FaultSpec } from '../scenario/types.ts';
import type { IncidentReport, RunResult } from '../result/types.ts';
import { repeatIncidents, type RepeatIncidents } from './incidents.ts';
import { steadyState } from './steady-state.ts';
import { validity } from './validity.ts';
import { verdict } from './verdict.ts';

export function analyze(result: RunResult): RunResult {
  const faults = result.scenario.faults;
  const perRepeat = new Map<string, RepeatIncidents>();
  const key = (arm: ArmName, repeat: number) => `${arm}#${repeat}`;
  for (const arm of result.arms) {
    for (const r of arm.repeats) {
      perRepeat.set(key(arm.name, r.index), repeatIncidents(r.windows, faults.map((f) => asRan(result, f, arm.name, r.index)), result.scenario.recovery, r.index));
    }
  }
  const incidents: IncidentReport[] = faults.map((f, i) => ({
    fault: f.name,
    kind: f.kind,
    atMs: f.atMs,
    durationMs: f.durationMs,
    arms: result.arms.map((arm) => ({ arm: arm.name, repeats: arm.repeats.map((r) => perRepeat.get(key(arm.name, r.index))!.incidents[i]!) })),
  }));
  const arms = result.arms.map((arm) => ({
    ...arm,
    recovery: incidents.flatMap((inc) =>
      inc.arms.find((a) => a.arm === arm.name)!.repeats.map((r) => ({ fault: inc.fault, repeat: r.repeat, recoveredAfterS: r.recoveredAfterS, status: r.recovery })),
    ),
  }));
  const analysed: RunResult = {
    ...result,
    arms,
    incidents,
    steadyState: steadyState({ ...result, arms }, (arm, repeat) => perRepeat.get(key(arm, repeat))?.excluded ?? new Set()),
  };
  const checked = { ...analysed, validity: validity(analysed) };
  return { ...checked, verdict: verdict(checked) };
}

/** The fault as it actually ran in this phase (its record's start and stop), or as asked when unknown. */
function asRan(result: RunResult, f: FaultSpec, arm: ArmName, repeat: number): FaultSpec {
  const record = result.faults.find((r) => r.name === f.name && r.arm === arm && r.repeat === repeat);
  if (!record || record.actualStartMs === null) return f;
  const stop = record.actualStopMs ?? record.requestedStopMs;
  return { ...f, atMs: record.actualStartMs, durationMs: Math.max(f.durationMs === 0 ? 0 : 1, stop - record.actualStartMs) };
}
