// Why: a confident number from an invalid run is worse than no number. Every run states whether
// its comparisons are measurable and, if not, why: the generator's own lateness (the floor)
// against the effect; repeats that disagree beyond their own intervals (the spread *between*
// repeats, which a within-run bootstrap cannot see); a warmup that never settled or a transient
// left in the first measured seconds; a machine that was busy, running another meshbench or losing
// its CPUs to the hypervisor's other guests; a fault that was not applied. Each check has a scope,
// so a gate is only made inconclusive by the checks that concern what it judges. Pure: a function
// of the result.
import type { IncidentReport, RunResult, ValidityCheck, ValidityStatus } from '../result/types.ts';
import { formatFactor, formatMs, formatSignedMs } from '../report/format.ts';
import { costInterval, steadySample } from './steady-state.ts';

/** Before the run, a 1-minute load average above this share of the CPUs means other work. */
const BUSY_BEFORE_PER_CPU = 0.5;
/** After the run the run's own processes (generator, services, proxy) add about 1–2. */
const BUSY_AFTER_PER_CPU = 1.5;
/** A VM whose hypervisor gave more than this share of its CPU time to other guests was not quiet. */
export const HYPERVISOR_STEAL_MAX = 0.05;
/** A first measured second whose p99 is this many times the steady median is a transient … */
const TRANSIENT_FACTOR = 2;
/** … judged only when the steady state has at least this many windows. */
const TRANSIENT_MIN_WINDOWS = 5;
/** The floor is "as large as the latency" when its p99 is at least this share of an arm's p99 … */
const FLOOR_SHARE_OF_LATENCY = 0.5;
/** … or its p50 at least this share of an arm's p50: a quiet generator is late by ~0 at the median. */
const FLOOR_SHARE_OF_MEDIAN = 0.1;

const RANK: Record<ValidityStatus, number> = { valid: 0, inconclusive: 1, invalid: 2 };

function worst(statuses: ReadonlyArray<ValidityStatus | 'skipped'>): ValidityStatus {
  return statuses.reduce<ValidityStatus>((w, s) => (s !== 'skipped' && RANK[s] > RANK[w] ? s : w), 'valid');
}

const repeatLabel = (i: number) => `repeat ${i + 1}`;

function measuredCheck(result: RunResult): ValidityCheck {
  const empty = result.arms.flatMap((a) => a.repeats.filter((r) => r.requests.ok === 0).map((r) => `${a.name} ${repeatLabel(r.index)}`));
  if (result.arms.length === 0) return { check: 'measured', status: 'invalid', scope: 'run', message: 'no arm ran: nothing was measured' };
  return empty.length > 0
    ? { check: 'measured', status: 'invalid', scope: 'run', message: `not a single request succeeded in ${empty.join(', ')}: there is no latency to compare` }
    : { check: 'measured', status: 'valid', scope: 'run', message: 'every arm and repeat has successful requests' };
}

function appliedCheck(result: RunResult): ValidityCheck {
  const failed = [...result.conditions, ...result.faults].filter((f) => f.actualStartMs === null || f.error !== null);
  if (failed.length === 0) return { check: 'faults-applied', status: 'valid', scope: 'run', message: 'every condition and fault was applied as asked' };
  const what = failed.map((f) => `"${f.name}" in ${f.arm} ${repeatLabel(f.repeat)}${f.error ? ` (${f.error})` : ' (not applied)'}`);
  return { check: 'faults-applied', status: 'invalid', scope: 'run', message: `not applied as asked: ${what.join('; ')} — the arms did not see the same environment` };
}

function floorChecks(result: RunResult): ValidityCheck[] {
  const floorP50 = Math.max(0, ...result.arms.map((a) => a.sendLatenessMs.p50));
  const floorP99 = Math.max(0, ...result.arms.map((a) => a.sendLatenessMs.p99));
  const out: ValidityCheck[] = [];
  const steady = (result.steadyState?.arms ?? []).filter((a) => a.latencyMs.count > 0);
  const fastest = (pick: 'p50' | 'p99') => [...steady].sort((a, b) => a.latencyMs[pick] - b.latencyMs[pick])[0];
  const atP99 = fastest('p99');
  const atP50 = fastest('p50');
  if (atP99 && floorP99 >= FLOOR_SHARE_OF_LATENCY * atP99.latencyMs.p99) {
    out.push({
      check: 'floor',
      status: 'inconclusive',
      scope: 'latency',
      message: `the generator sent up to ${formatMs(floorP99)} late (send lateness p99), as much as the latency it measured (${atP99.arm} steady p99 ${formatMs(atP99.latencyMs.p99)}): the machine was too busy to measure latency`,
    });
  } else if (atP50 && floorP50 >= FLOOR_SHARE_OF_MEDIAN * atP50.latencyMs.p50) {
    out.push({
      check: 'floor',
      status: 'inconclusive',
      scope: 'latency',
      message: `the generator was late by ${formatMs(floorP50)} at the median (send lateness p50; ${formatMs(floorP99)} at p99), ${Math.round((100 * floorP50) / atP50.latencyMs.p50)} % of the latency it measured (${atP50.arm} steady p50 ${formatMs(atP50.latencyMs.p50)}): the machine was too busy to measure latency`,
    });
  }
  const cost = result.steadyState?.cost;
  if (!cost) {
    out.push({ check: 'floor', status: 'skipped', scope: 'latency-difference', message: 'no steady-state cost between the arms to hold against the floor' });
    return out;
  }
  const below = (['p50', 'p99'] as const).filter((p) => !cost[p].measurable);
  out.push(
    below.length === 0
      ? { check: 'floor', status: 'valid', scope: 'latency-difference', message: `the steady-state cost (p50 ${formatSignedMs(cost.p50.addedMs)}, p99 ${formatSignedMs(cost.p99.addedMs)}) is larger than the floor (send lateness p50 ${formatMs(cost.p50.floorMs)}, p99 ${formatMs(cost.p99.floorMs)})` }
      : {
          check: 'floor',
          status: 'inconclusive',
          scope: 'latency-difference',
          message: below.map((p) => `the mesh's steady-state ${p} cost (${formatSignedMs(cost[p].addedMs)}) is not larger than the floor (send lateness ${p} ${formatMs(cost[p].floorMs)})`).join('; ') + ': not measurable on this machine',
        },
  );
  return out;
}

/** Whether some repeats' intervals lie wholly apart: then they disagree beyond their own noise. */
function apart(intervals: Array<{ lo: number; hi: number }>): boolean {
  return Math.max(...intervals.map((i) => i.lo)) > Math.min(...intervals.map((i) => i.hi));
}

function repeatChecks(result: RunResult): ValidityCheck[] {
  const n = Math.max(0, ...result.arms.map((a) => a.repeats.length));
  if (n < 2) {
    return [{ check: 'repeats-disagree', status: 'skipped', scope: 'latency-difference', message: `${n} repeat: agreement between repeats not checked (set repeats: 2 or more)` }];
  }
  const out: ValidityCheck[] = [];
  const steady = result.steadyState?.arms ?? [];
  const direct = steady.find((a) => a.arm === 'direct');
  const meshed = steady.find((a) => a.arm === 'meshed');
  if (direct && meshed && direct.repeats.length === meshed.repeats.length && [...direct.repeats, ...meshed.repeats].every((r) => r.latencyMs.count > 0)) {
    const [d, m] = [steadySample(direct), steadySample(meshed)];
    const single = (s: ReturnType<typeof steadySample>, i: number) => ({ ...s, repeats: [s.repeats[i]!] });
    const per = direct.repeats.map((_, i) => ({ i, ...costInterval(single(d, i), single(m, i), 'p99', result.scenario.seed + i) }));
    const intervals = per.flatMap((p) => (p.interval ? [p.interval] : []));
    const text = per.map((p) => `${repeatLabel(p.i)} ${formatSignedMs(p.point)}${p.interval ? ` (${formatSignedMs(p.interval.lo)} … ${formatSignedMs(p.interval.hi)})` : ''}`).join(', ');
    out.push(
      intervals.length === per.length && apart(intervals)
        ? { check: 'repeats-disagree', status: 'inconclusive', scope: 'latency-difference', message: `the repeats disagree on the mesh's steady-state p99 cost beyond their own intervals: ${text} — the machine drifted between repeats` }
        : { check: 'repeats-disagree', status: 'valid', scope: 'latency-difference', message: `the repeats agree on the steady-state p99 cost: ${text}` },
    );
  }
  for (const arm of steady) {
    const p99s = arm.repeats.filter((r) => r.latencyMs.count > 0).map((r) => r.latencyMs.p99);
    if (p99s.length < 2) continue;
    const hi = Math.max(...p99s);
    const lo = Math.min(...p99s);
    // Each repeat's p99 has its own sampling noise; beyond a factor of 2 apart it is drift.
    if (lo > 0 && hi / lo > 2) {
      out.push({
        check: 'repeats-disagree',
        status: 'inconclusive',
        scope: 'latency',
        message: `${arm.arm}'s steady-state p99 differs ${formatFactor(hi / lo)} between repeats (${arm.repeats.map((r) => `${repeatLabel(r.repeat)} ${formatMs(r.latencyMs.p99)}`).join(', ')}): one number for the arm would hide that`,
      });
    }
  }
  for (const incident of result.incidents) out.push(...incidentAgreement(incident));
  return out;
}

function incidentAgreement(incident: IncidentReport): ValidityCheck[] {
  return incident.arms.flatMap((a) => {
    const judged = a.repeats.filter((r) => r.recovery === 'recovered' || r.recovery === 'not-recovered');
    const recovered = judged.filter((r) => r.recovery === 'recovered').length;
    if (judged.length < 2 || recovered === 0 || recovered === judged.length) return [];
    return [
      {
        check: 'repeats-disagree' as const,
        status: 'inconclusive' as const,
        scope: 'recovery' as const,
        message: `${a.arm} recovered from "${incident.fault}" in ${recovered} of ${judged.length} repeats: the outcome is not reproducible in this run`,
      },
    ];
  });
}

function warmupCheck(result: RunResult): ValidityCheck {
  const unsettled = result.arms.flatMap((a) => a.repeats.filter((r) => r.warmup?.endedBy === 'max').map((r) => `${a.name} ${repeatLabel(r.index)}`));
  return unsettled.length > 0
    ? { check: 'warmup', status: 'inconclusive', scope: 'latency', message: `the warmup did not settle within load.warmupMax (${result.scenario.load.warmupMaxS} s) in ${unsettled.join(', ')}: the per-second p99 was still moving when measurement began` }
    : { check: 'warmup', status: 'valid', scope: 'latency', message: 'every warmup ended as the latency settled (or as configured)' };
}

function transientCheck(result: RunResult): ValidityCheck {
  const floor = Math.max(0, ...result.arms.map((a) => a.sendLatenessMs.p99));
  const found: string[] = [];
  for (const arm of result.arms) {
    const steady = result.steadyState?.arms.find((s) => s.arm === arm.name);
    for (const r of arm.repeats) {
      const times = new Set(steady?.repeats.find((s) => s.repeat === r.index)?.windowTimes ?? []);
      const windows = r.windows.filter((w) => times.has(w.t) && w.p99 !== null);
      const first = windows.find((w) => w.t === 0);
      if (windows.length < TRANSIENT_MIN_WINDOWS || !first) continue;
      const sorted = windows.map((w) => w.p99!).sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      if (first.p99! > TRANSIENT_FACTOR * median && first.p99! - median > floor) {
        found.push(`${arm.name} ${repeatLabel(r.index)}: first second p99 ${formatMs(first.p99!)} vs median ${formatMs(median)}`);
      }
    }
  }
  return found.length > 0
    ? { check: 'transient', status: 'inconclusive', scope: 'latency', message: `a start-up transient in the first measured second that the warmup did not cover (${found.join('; ')}): lengthen load.warmup` }
    : { check: 'transient', status: 'valid', scope: 'latency', message: 'no start-up transient in the first measured second' };
}

function machineChecks(result: RunResult): ValidityCheck[] {
  const h = result.host;
  const out: ValidityCheck[] = [];
  if (h.loadAverageBefore === null || h.loadAverageAfter === null) {
    out.push({ check: 'load-average', status: 'skipped', scope: 'run', message: 'the load average was not recorded' });
  } else {
    const before = h.loadAverageBefore[0];
    const after = h.loadAverageAfter[0];
    const busyBefore = before > BUSY_BEFORE_PER_CPU * h.cpus;
    const busyAfter = after > BUSY_AFTER_PER_CPU * h.cpus;
    const text = `load average ${before.toFixed(2)} before and ${after.toFixed(2)} after the run, on ${h.cpus} CPUs`;
    out.push(
      busyBefore || busyAfter
        ? { check: 'load-average', status: 'inconclusive', scope: 'run', message: `the machine was busy (${text}; quiet is below ${(BUSY_BEFORE_PER_CPU * h.cpus).toFixed(1)} before and ${(BUSY_AFTER_PER_CPU * h.cpus).toFixed(1)} after): other work shared the CPUs with the generator, services and proxy` }
        : { check: 'load-average', status: 'valid', scope: 'run', message: `the machine was quiet (${text})` },
    );
  }
  if (h.hypervisorSteal === undefined || h.hypervisorSteal === null) {
    out.push({ check: 'hypervisor-steal', status: 'skipped', scope: 'run', message: 'the hypervisor\'s steal time was not recorded' });
  } else {
    const share = `${(100 * h.hypervisorSteal).toFixed(1)} %`;
    out.push(
      h.hypervisorSteal > HYPERVISOR_STEAL_MAX
        ? { check: 'hypervisor-steal', status: 'inconclusive', scope: 'run', message: `the hypervisor gave ${share} of this VM's CPU time to other guests during the run (quiet is below ${100 * HYPERVISOR_STEAL_MAX} %): every process here was paused at random for it, which reads as latency` }
        : { check: 'hypervisor-steal', status: 'valid', scope: 'run', message: `the hypervisor took ${share} of this VM's CPU time during the run` },
    );
  }
  const others = [...new Set([...h.otherRunsBefore, ...h.otherRunsAfter])];
  out.push(
    others.length > 0
      ? { check: 'concurrent-run', status: 'inconclusive', scope: 'run', message: `another meshbench run was active on this machine (live ledgers: ${others.join(', ')}): they competed for the CPUs` }
      : { check: 'concurrent-run', status: 'valid', scope: 'run', message: 'no other meshbench run was active' },
  );
  return out;
}

function versionCheck(result: RunResult): ValidityCheck[] {
  if (result.upgradedFrom !== 1) return [];
  return [
    {
      check: 'result-version',
      status: 'inconclusive',
      scope: 'latency',
      message: 'this result was written as version 1, whose latency includes failed requests: a fast-failing arm can look faster — re-run it with this meshbench',
    },
  ];
}

/** Every check, and the overall status (the worst). */
export function validity(result: RunResult): RunResult['validity'] {
  const checks = [...versionCheck(result), measuredCheck(result), appliedCheck(result), ...floorChecks(result), ...repeatChecks(result), warmupCheck(result), transientCheck(result), ...machineChecks(result)];
  const reasons = checks.filter((c) => c.status === 'invalid' || c.status === 'inconclusive').sort((a, b) => RANK[b.status as ValidityStatus] - RANK[a.status as ValidityStatus]);
  return { status: worst(checks.map((c) => c.status)), reasons, checks };
}
