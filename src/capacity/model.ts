// Why: turns what a sweep measured into what it means — per arm the scalability model fitted to
// the knees the scaled service set, its check on a knee it did not see, the measured cost of a
// replica and of the proxy — and the plan, with every reason to doubt it spelled out. Pure, so a
// saved capacity.json can be re-planned for another target without measuring again.
import { makePlan, type ArmModel, type PlanRequest } from './plan.ts';
import { CAPACITY_SCHEMA, CAPACITY_VERSION, type ArmCapacity, type ArmSweep, type CapacityResult, type CapacitySweep, type KneeRecord } from './result.ts';
import { resourceModel } from './resources.ts';
import { fitUsl, holdOut, HOLDOUT_LIMIT_PCT, type UslPoint } from './usl.ts';

/** Why a knee cannot be a point of the fit, or null when it can. */
export function kneeExclusion(k: KneeRecord): string | null {
  if (k.outcome === 'above-limit') return `every rate up to ${k.interval.low} rps met the SLOs: the knee lies above what the sweep may offer (raise --max-rps)`;
  if (k.outcome === 'below-limit') return `no rate down to ${k.interval.high} rps met the SLOs`;
  if (k.limitedBy === 'elsewhere') return `the SLO broke at ${k.interval.high} rps while the scaled service was neither saturated nor queueing: the limit was elsewhere (another service, the proxy, a stall)`;
  if (k.limitedBy === 'machine') {
    const held = Math.max(...k.steps.filter((s) => s.rate === k.interval.high && !s.meets).map((s) => s.bottleneck.queryMs ?? 0));
    return `the SLO broke at ${k.interval.high} rps while queries held their connection ${held.toFixed(1)} ms against ${k.configuredQueryMs.toFixed(1)} ms configured: this machine was too busy to run them on time, so the knee is the machine's and the service's may be higher`;
  }
  return null;
}

/** Cores other processes may use while a knee is measured before the knee is in doubt. */
export const OTHER_LOAD_CORES = 0.5;

/** Cores used by processes other than meshbench's in the step(s) that broke the SLO above a knee. */
export function otherLoadCores(k: KneeRecord, cpus: number): number {
  const above = k.steps.filter((s) => s.rate === k.interval.high && !s.meets && s.machine !== null);
  return Math.max(0, ...above.map((s) => s.machine!.busy * cpus - s.machine!.meshbenchCores));
}

function modelArm(sweep: ArmSweep, tolerancePct: number, cpus: number): ArmCapacity {
  const doubts: string[] = [];
  const points: UslPoint[] = [];
  for (const knee of sweep.knees) {
    const excluded = kneeExclusion(knee);
    if (excluded) {
      doubts.push(`the ${knee.replicas}-replica knee is left out of the fit: ${excluded}`);
      continue;
    }
    points.push({ replicas: knee.replicas, rps: knee.maxRps! });
    const others = otherLoadCores(knee, cpus);
    if (others > OTHER_LOAD_CORES) {
      doubts.push(`while the SLO broke above the ${knee.replicas}-replica knee, other processes used ${others.toFixed(1)} of this machine's ${cpus} cores: on a quiet machine that knee may be higher`);
    }
  }
  let usl: ArmCapacity['usl'] = points.length > 0 ? { ...fitUsl(points, tolerancePct), points, lowerBound: false } : null;
  const atMachine = sweep.knees.filter((k) => k.outcome === 'found' && k.limitedBy === 'machine').sort((a, b) => a.replicas - b.replicas)[0];
  if (!usl && atMachine) {
    // Nothing set by the service alone, but the machine's limit was reached: the service can do at
    // least that much. A plan from it buys too many replicas, never too few — if it scales linearly.
    const point = { replicas: atMachine.replicas, rps: atMachine.maxRps! };
    usl = { ...fitUsl([point], tolerancePct), points: [point], lowerBound: true };
    doubts.push(`no knee was set by the service alone, so the plan takes the ${point.replicas}-replica knee (${point.rps} rps, this machine's limit) as a lower bound and assumes linear scaling: it may buy more replicas than needed, and contention would make it too few`);
  }
  const holdout = holdOut(points, tolerancePct);
  if (!holdout) doubts.push(`the model was not checked on a knee it did not see: that needs knees at two or more replica counts, ${points.length === 1 ? 'one was measured' : 'none was measured'}`);
  else if (!holdout.trustworthy) {
    doubts.push(`fitted without ${holdout.replicas} replicas, the model predicted ${Math.round(holdout.predictedRps)} rps there and ${Math.round(holdout.measuredRps)} were measured: ${holdout.errorPct.toFixed(1)} % off, more than ${HOLDOUT_LIMIT_PCT} %`);
  }
  const steady = sweep.knees.flatMap((k) => k.steps.filter((s) => s.meets).map((s) => ({ ...s, replicas: k.replicas })));
  const resources = resourceModel(steady.map((s) => ({ replicas: s.replicas, okRps: s.okRps, replicaCores: s.replicaCores, replicaRssMiB: s.replicaRssMiB, proxy: s.proxy })));
  return { ...sweep, usl, holdout, resources, doubts };
}

const largestMeasured = (a: ArmCapacity) => Math.max(0, ...(a.usl?.points.map((p) => p.replicas) ?? []));

/**
 * The scaled service's model for the meshed arm's plan when none of its own knees was the
 * service's: if every one was set elsewhere (locally one proxy process carries every replica's
 * traffic, so the sweep found the proxy's limit, not the service's), the service scales as the
 * direct arm measured it and the mesh adds the proxy's measured cost per node (or pod). Null
 * when the meshed arm has a model of its own or there is nothing to borrow; said in its doubts.
 */
function borrowedServiceModel(meshed: ArmCapacity, direct: ArmCapacity | undefined): ArmCapacity['usl'] {
  const found = meshed.knees.filter((k) => k.outcome === 'found');
  if (meshed.usl || !direct?.usl || direct.usl.lowerBound || !meshed.resources?.proxy) return null;
  if (found.length === 0 || !found.every((k) => k.limitedBy === 'elsewhere')) return null;
  meshed.doubts.push(
    `every meshed knee was set elsewhere than the scaled service — here one proxy process carries every replica's traffic, so the sweep measured the proxy's limit — so the meshed plan takes the service's model from the direct arm (λ ${Math.round(direct.usl.lambda)} rps per replica) and adds the proxy's measured cost (${meshed.resources.proxy.coresPer1000Rps.toFixed(2)} cores per 1 000 rps) per node or pod`,
  );
  return direct.usl;
}

export function modelCapacity(sweep: CapacitySweep, request: PlanRequest): CapacityResult {
  const arms = sweep.arms.map((a) => modelArm(a, sweep.settings.resolution * 100, sweep.environment.cpus));
  const direct = arms.find((a) => a.name === 'direct');
  const models: ArmModel[] = arms.map((a) => {
    const borrowed = a.name === 'meshed' ? borrowedServiceModel(a, direct) : null;
    return borrowed
      ? { arm: a.name, usl: borrowed, resources: a.resources, largestMeasured: largestMeasured(direct!) }
      : { arm: a.name, usl: a.usl, resources: a.resources, largestMeasured: largestMeasured(a) };
  });
  const plan = makePlan(models, request);
  const planned = [plan.direct, plan.meshed].filter((p) => p !== null);
  const trustworthy = planned.length > 0 && planned.every((p) => p.feasible) && arms.every((a) => a.doubts.length === 0);
  return { ...sweep, schema: CAPACITY_SCHEMA, version: CAPACITY_VERSION, arms, plan: { ...plan, trustworthy } };
}
