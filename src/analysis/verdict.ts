// Why: the user's question is "what does the mesh cost me, and what does it save me when things
// go wrong?". The verdict answers it in a few lines, each about one thing: the steady-state cost
// (with its interval, or "not measurable" when it is below the floor), each incident's impact
// and recovery in each arm, what the proxy did and cost, amplification, and whether the run can
// be trusted. Every number is the latency of successful requests. Pure.
import type { ArmResult, CostFigure, IncidentReport, IncidentRepeat, RunResult } from '../result/types.ts';
import { describeInjection } from '../scenario/describe.ts';
import { formatFactor, formatMs, formatPercent, formatSignedMs } from '../report/format.ts';
import { proxyActivity, proxyCost } from './proxy-activity.ts';
import { COST_CONFIDENCE } from './steady-state.ts';

const s = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function costText(p: 'p50' | 'p99', c: CostFigure): string {
  if (!c.measurable) return `${p}: not measurable — below the floor (${formatSignedMs(c.addedMs)} vs send lateness ${p} ${formatMs(c.floorMs)})`;
  const interval = c.interval ? ` (${Math.round(COST_CONFIDENCE * 100)} % CI ${formatSignedMs(c.interval.lo)} … ${formatSignedMs(c.interval.hi)})` : '';
  return `${formatSignedMs(c.addedMs)} at ${p}${interval}`;
}

function steadyLine(result: RunResult): string {
  const st = result.steadyState;
  const under = result.scenario.conditions.length > 0 ? ` under ${result.scenario.conditions.map(describeInjection).join(', ')}` : '';
  if (!st || st.arms.every((a) => a.windows === 0)) {
    return 'Steady state: none — every measured second was inside an incident or its recovery; lengthen load.duration to measure the everyday cost.';
  }
  const seconds = st.arms.map((a) => `${a.arm} ${a.windows} s`).join(', ');
  if (st.cost) {
    const outside = result.scenario.faults.length > 0 ? ' outside incidents' : '';
    return `Steady state${under} (${seconds}${outside}): the mesh costs ${costText('p50', st.cost.p50)} and ${costText('p99', st.cost.p99)}.`;
  }
  const figures = st.arms
    .map((a) => (a.latencyMs.count > 0 ? `${a.arm} p50 ${formatMs(a.latencyMs.p50)}, p99 ${formatMs(a.latencyMs.p99)}, ${formatPercent(a.successRate)} success` : `${a.arm}: no request succeeded`))
    .join('; ');
  const why =
    st.arms.length < 2
      ? ''
      : `the mesh's cost is not measurable — ${st.arms.filter((a) => a.repeats.some((r) => r.latencyMs.count === 0)).map((a) => a.arm).join(' and ') || 'an arm'} has no successful request in the steady state; `;
  return `Steady state${under} (${seconds}): ${why}${figures}.`;
}

function recoveryText(r: IncidentRepeat): string {
  switch (r.recovery) {
    case 'recovered':
      return `recovered ${s(r.recoveredAfterS!)} s after it ended`;
    case 'not-recovered':
      return `did not recover in the ${r.recoveryWindows} s after it`;
    case 'no-time':
      return `recovery not judged: only ${r.recoveryWindows} s measured after it`;
    case 'no-baseline':
      return 'recovery not judged: no steady second before it to compare with';
  }
}

function armIncidentText(incident: IncidentReport, arm: ArmResult['name']): string {
  const reps = incident.arms.find((a) => a.arm === arm)?.repeats ?? [];
  if (reps.length === 0) return `${arm}: not measured`;
  const during = reps.map((r) => r.during).filter((d) => d !== null);
  const rate = during.length > 0 ? during.reduce((n, d) => n + d!.successRate, 0) / during.length : null;
  const p99s = during.flatMap((d) => (d!.p99 === null ? [] : [d!.p99]));
  const impact =
    rate === null ? 'no window inside it' : p99s.length > 0 ? `p99 ${formatMs(Math.max(...p99s))} with ${formatPercent(rate)} success during it` : `no request succeeded during it (${formatPercent(rate)} success)`;
  const before = reps.find((r) => r.before?.p99 != null)?.before;
  const base = before ? `p99 ${formatMs(before.p99!)} before, ` : '';
  const recoveries = [...new Set(reps.map(recoveryText))];
  const recovery = recoveries.length === 1 ? recoveries[0]! : reps.map((r) => `${recoveryText(r)} (repeat ${r.repeat + 1})`).join(', ');
  return `${arm}: ${base}${impact}, ${recovery}`;
}

function incidentLine(result: RunResult, incident: IncidentReport): string {
  const spec = result.scenario.faults.find((f) => f.name === incident.fault);
  const what = spec ? describeInjection(spec) : incident.fault;
  const when = `${s(incident.atMs / 1000)} s – ${s((incident.atMs + incident.durationMs) / 1000)} s`;
  return `Incident "${incident.fault}" (${what}, ${when}): ${result.arms.map((a) => armIncidentText(incident, a.name)).join('; ')}.`;
}

function amplificationLine(result: RunResult): string | null {
  const parts = result.arms.flatMap((a) =>
    a.amplification ? [`${a.name} ${formatFactor(a.amplification.peak)} peak, ${formatFactor(a.amplification.mean)} mean on ${a.amplification.edge.replace('->', ' → ')}`] : [],
  );
  return parts.length > 0 ? `Retry amplification (attempts per request on the worst call edge): ${parts.join('; ')}.` : null;
}

function proxyLine(result: RunResult): string | null {
  const p = result.arms.find((a) => a.name === 'meshed')?.proxy;
  return p ? `Proxy: ${proxyCost(p)}; over the measured part it ${proxyActivity(p)}.` : null;
}

/** Short: the reasons themselves are in result.validity and printed beside the verdict. */
function validityLine(result: RunResult): string {
  const v = result.validity;
  if (v.status === 'valid') return 'Validity: valid — floor, repeats, warmup and machine checked.';
  return `Validity: ${v.status} (${[...new Set(v.reasons.map((r) => r.check))].join(', ')}) — see the reasons before acting on the numbers above.`;
}

export function verdict(result: RunResult): string[] {
  return [
    steadyLine(result),
    ...result.incidents.map((i) => incidentLine(result, i)),
    amplificationLine(result),
    proxyLine(result),
    validityLine(result),
  ].filter((l): l is string => l !== null);
}
