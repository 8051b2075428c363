// Why: turns a run's measurements into the answers a reader wants first — did each arm recover
// after each fault, how much were requests amplified, and one sentence saying what happened.
// Pure: a function of the run result, so `meshbench report` can re-derive it from saved JSON.
import type { ArmResult, RecoveryRecord, RunResult } from '../result/types.ts';
import type { FaultSpec } from '../scenario/types.ts';
import { decodeHistogram, mergeHistograms, summarizeMs } from '../stats/histogram.ts';
import { baselineP99, recoveredAfterS } from './recovery.ts';

/** p99 and error rate over the windows that lie inside the fault window, all repeats merged. */
export function duringFault(arm: ArmResult, fault: Pick<FaultSpec, 'atMs' | 'durationMs'>): { p99: number; errorRate: number } | null {
  const inside = arm.repeats.flatMap((r) =>
    r.windows.filter((w) => w.t * 1000 >= fault.atMs && (w.t + 1) * 1000 <= fault.atMs + fault.durationMs),
  );
  const scheduled = inside.reduce((n, w) => n + w.scheduled, 0);
  if (inside.length === 0 || scheduled === 0) return null;
  const merged = mergeHistograms(inside.filter((w) => w.histogram).map((w) => decodeHistogram(w.histogram)));
  return { p99: summarizeMs(merged).p99, errorRate: (scheduled - inside.reduce((n, w) => n + w.ok, 0)) / scheduled };
}

export function armRecovery(result: RunResult, arm: ArmResult): RecoveryRecord[] {
  const out: RecoveryRecord[] = [];
  const faults = result.scenario.faults;
  if (faults.length === 0) return out;
  const firstStart = Math.min(...faults.map((f) => f.atMs));
  for (const repeat of arm.repeats) {
    const base = baselineP99(repeat.windows, firstStart);
    for (const fault of faults) {
      const stop = fault.atMs + fault.durationMs;
      out.push({
        fault: fault.name,
        repeat: repeat.index,
        recoveredAfterS: base === null ? null : recoveredAfterS(repeat.windows, { requestedStopMs: stop }, base, result.scenario.recovery),
      });
    }
  }
  return out;
}

function describeArm(arm: ArmResult, fault: string, afterS: number): string {
  const rec = arm.recovery.filter((r) => r.fault === fault);
  const never = rec.some((r) => r.recoveredAfterS === null);
  const worst = Math.max(...rec.map((r) => r.recoveredAfterS ?? 0));
  const amp = arm.amplification ? ` (amplification ${arm.amplification.peak.toFixed(2)}×)` : '';
  return never
    ? `${arm.name} did not recover within ${afterS} s after the ${fault} ended${amp}`
    : `${arm.name} recovered ${worst.toFixed(1)} s after it${amp}`;
}

export function verdict(result: RunResult): string {
  const direct = result.arms.find((a) => a.name === 'direct');
  const meshed = result.arms.find((a) => a.name === 'meshed');
  const faults = result.scenario.faults;
  if (faults.length === 0) {
    if (!direct || !meshed || !result.comparison) return `${result.arms.map((a) => `${a.name} p99 ${a.latencyMs.p99.toFixed(2)} ms`).join(', ')}; no faults injected.`;
    const c = result.comparison;
    return `No faults injected: the mesh hop costs ${c.addedMs.p50 >= 0 ? '+' : ''}${c.addedMs.p50.toFixed(2)} ms at p50 and ${c.addedMs.p99 >= 0 ? '+' : ''}${c.addedMs.p99.toFixed(2)} ms at p99 (meshed p99 ${meshed.latencyMs.p99.toFixed(2)} ms vs direct ${direct.latencyMs.p99.toFixed(2)} ms).`;
  }
  // The sentence is about the fault that ends last: what the system is left with.
  const last = [...faults].sort((a, b) => a.atMs + a.durationMs - (b.atMs + b.durationMs)).at(-1)!;
  const afterS = Math.round((result.scenario.load.durationS * 1000 - (last.atMs + last.durationMs)) / 1000);
  const recovered = (arm: ArmResult | undefined) => !!arm && arm.recovery.filter((r) => r.fault === last.name).every((r) => r.recoveredAfterS !== null);
  const parts = result.arms.map((a) => describeArm(a, last.name, afterS)).join('; ');
  const during = result.arms
    .map((a) => ({ name: a.name, d: duringFault(a, last) }))
    .filter((x) => x.d !== null)
    .map(({ name, d }) => `${name} p99 ${d!.p99.toFixed(1)} ms with ${(d!.errorRate * 100).toFixed(1)} % failed`);
  const duringText = during.length > 0 ? ` During the ${last.name}: ${during.join(', ')}.` : '';
  let headline = 'Result';
  if (direct && meshed) {
    if (!recovered(direct) && recovered(meshed)) headline = 'Metastable failure reproduced';
    else if (recovered(direct) && recovered(meshed)) headline = 'Both arms recovered';
    else if (!recovered(direct) && !recovered(meshed)) headline = 'Neither arm recovered';
    else headline = 'The mesh made recovery worse';
  }
  return `${headline}: ${parts}.${duringText}`;
}

/** Fills each arm's recovery records and the verdict sentence. */
export function analyze(result: RunResult): RunResult {
  const arms = result.arms.map((arm) => ({ ...arm, recovery: armRecovery(result, arm) }));
  const withRecovery = { ...result, arms };
  return { ...withRecovery, verdict: verdict(withRecovery) };
}
