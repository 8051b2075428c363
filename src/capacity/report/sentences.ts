// Why: the terminal summary, the Markdown and the HTML report must say the same thing in the same
// words and numbers, so every sentence and cell about a capacity result is made here, once.
import { formatPercent, formatRps } from '../../report/format.ts';
import { MIN_STEP_REQUESTS } from '../cell.ts';
import type { ArmPlan, Plan } from '../plan.ts';
import type { ArmCapacity, CapacityResult, KneeRecord } from '../result.ts';
import type { Holdout, UslFit } from '../usl.ts';

export function rps(x: number): string {
  return `${formatRps(x)} rps`;
}

function mib(x: number): string {
  return x >= 10_240 ? `${(x / 1024).toFixed(1)} GiB` : `${Math.round(x)} MiB`;
}

function cores(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

export function nodeText(plan: Plan): string {
  return `${plan.node.cores} cores, ${mib(plan.node.memoryMiB)}, ≤ ${plan.node.maxPods} pods`;
}

export function sloText(result: CapacityResult): string {
  return result.settings.slos.map((s) => (s.implicit ? `${s.text} (implicit)` : s.text)).join(', ');
}

export function kneeCell(k: KneeRecord): string {
  if (k.outcome === 'above-limit') return `≥ ${rps(k.interval.low!)} (not reached)`;
  if (k.outcome === 'below-limit') return `< ${rps(k.interval.high!)} (not reached)`;
  return `${rps(k.maxRps!)} (fails at ${formatRps(k.interval.high!)}: ±${(k.resolutionPct! / 2).toFixed(1)} %)`;
}

export function limitCell(k: KneeRecord, service: string): string {
  if (k.limitedBy === null) return '—';
  if (k.limitedBy === 'service') return service;
  return k.limitedBy === 'machine' ? 'this machine' : 'elsewhere';
}

export function kneeHeader(): string[] {
  return ['arm', 'replicas', 'SLO knee', 'nominal', 'set by', 'saturation (closed loop)', 'throughput knee', 'breakpoint', 'steps', 'wall time'];
}

export function kneeRows(result: CapacityResult): string[][] {
  return result.arms.flatMap((arm) =>
    arm.knees.map((k) => [
      arm.name,
      String(k.replicas),
      kneeCell(k),
      formatRps(k.nominalRps),
      limitCell(k, result.settings.service),
      formatRps(k.saturationRps),
      k.throughputKneeRps === null ? '—' : formatRps(k.throughputKneeRps),
      k.breakpointRps === null ? 'not reached' : formatRps(k.breakpointRps),
      String(k.steps.length),
      `${k.wallTimeS.toFixed(0)} s`,
    ]),
  );
}

const MODEL_PARAMS: Record<UslFit['model'], string> = { linear: 'λ', contention: 'λ and σ', usl: 'λ, σ and κ' };

export function uslText(usl: (UslFit & { points: unknown[]; lowerBound: boolean }) | null): string {
  if (!usl) return 'no model: no knee set by the scaled service';
  if (usl.lowerBound) return `no fit: λ ≥ ${formatRps(usl.lambda)} rps per replica, a lower bound from a knee at this machine's limit, assumed linear`;
  return `λ = ${formatRps(usl.lambda)} rps per replica, σ = ${usl.sigma.toFixed(4)}, κ = ${usl.kappa.toFixed(5)} (${MODEL_PARAMS[usl.model]} fitted to ${usl.points.length} knee${usl.points.length === 1 ? '' : 's'}; largest residual ${usl.maxResidualPct.toFixed(1)} %)`;
}

export function holdoutText(h: Holdout | null): string {
  if (!h) return 'not checked (needs knees at two replica counts)';
  return `fitted without ${h.replicas} replicas (${MODEL_PARAMS[h.model]}), the model predicted ${rps(h.predictedRps)} there; ${rps(h.measuredRps)} measured: ${h.errorPct.toFixed(1)} % off — ${h.trustworthy ? 'within' : 'NOT within'} 15 %`;
}

export function meshTaxText(arm: ArmCapacity): string | null {
  const p = arm.resources?.proxy;
  if (!p) return null;
  return `${cores(p.coresPer1000Rps)} CPU-seconds per 1 000 requests (cores per 1 000 rps) + ${cores(p.idleCores)} cores idle; RSS ${mib(p.rssMiB)} + ${mib(p.rssMiBPer1000Rps)} per 1 000 rps`;
}

export function replicaCostText(arm: ArmCapacity): string | null {
  const r = arm.resources?.replica;
  if (!r) return null;
  return `${cores(r.coresPer1000Rps)} cores per 1 000 rps + ${cores(r.idleCores)} idle; RSS ${mib(r.rssMiB)}`;
}

export function planHeader(): string[] {
  return ['arm', 'replicas', 'rps per replica', 'pods per node', 'bound by', 'nodes', 'pod (cores, memory)', 'proxy'];
}

export function planRow(p: ArmPlan, proxyModel: Plan['proxyModel']): string[] {
  if (!p.feasible) return [p.arm, '—', '—', '—', '—', 'no plan', 'why: see the doubts', '—'];
  return [
    p.arm,
    String(p.replicas),
    formatRps(p.perReplicaRps),
    String(p.podsPerNode),
    p.bound,
    String(p.nodes),
    `${cores(p.pod.cores)} cores, ${mib(p.pod.memoryMiB)}`,
    p.proxy ? `${cores(p.proxy.cores)} cores, ${mib(p.proxy.memoryMiB)} per ${p.proxy.per === 'node' ? 'node (DaemonSet)' : 'pod (sidecar)'}` : proxyModel === 'daemonset' && p.arm === 'meshed' ? '?' : '—',
  ];
}

export function planRows(plan: Plan): string[][] {
  return [plan.direct, plan.meshed].filter((p) => p !== null).map((p) => planRow(p, plan.proxyModel));
}

/** The one-sentence answer, first thing in every output. */
export function answer(result: CapacityResult): string {
  const plan = result.plan;
  const sized = `${rps(plan.targetRps)} with ${formatPercent(plan.headroom).replace(/\.00 %$/, ' %')} headroom (${rps(plan.neededRps)}) at ${result.settings.slos.filter((s) => !s.implicit).map((s) => s.text).join(', ')}`;
  const parts = [plan.direct, plan.meshed]
    .filter((p) => p !== null)
    .map((p) => (p.feasible ? `${p.arm} ${p.replicas} replicas on ${p.nodes} node${p.nodes === 1 ? '' : 's'}` : `${p.arm}: no plan`));
  const cost = plan.meshCostNodes === null ? '' : ` — the mesh costs ${plan.meshCostNodes} node${Math.abs(plan.meshCostNodes) === 1 ? '' : 's'}`;
  const trust = plan.trustworthy ? '' : ' Not trustworthy: see the doubts below.';
  return `To serve ${sized}: ${parts.join(', ')} (${result.settings.service}; nodes of ${nodeText(plan)})${cost}.${trust}`;
}

/** Everything that limits how far the plan can be trusted, arm by arm, plus extrapolation. */
export function doubts(result: CapacityResult): string[] {
  const out = result.arms.flatMap((a) => a.doubts.map((d) => `${a.name}: ${d}`));
  for (const p of [result.plan.direct, result.plan.meshed]) {
    if (p && !p.feasible) out.push(`${p.arm}: no plan — ${p.reason}`);
    if (p?.feasible && p.extrapolation > 2) {
      // extrapolation = replicas ÷ the largest count the plan's model was fitted to (for a
      // borrowed model, the direct arm's).
      const largest = Math.round(p.replicas / p.extrapolation);
      out.push(`${p.arm}: ${p.replicas} replicas is ${p.extrapolation.toFixed(1)}× the largest count measured (${largest}); the model's hold-out checked one step of extrapolation, not this many`);
    }
  }
  return out;
}

export function notes(result: CapacityResult): string[] {
  const s = result.settings;
  const out = [
    `Steps: ${s.step.warmupS} s warmup + ${s.step.durationS} s measured (longer at low rates, so that every step measures at least ${MIN_STEP_REQUESTS} requests), open loop (${result.scenario.load.arrival}), client timeout ${s.step.timeoutMs} ms; bisection to ${(s.resolution * 100).toFixed(0)} %; rates ${s.limits.minRps}–${s.limits.maxRps} rps; closed-loop probe ${s.probeS} s.`,
    `Latencies are of successful requests, from their intended send time; failures and drops count in errorRate. A knee counts for the model only if ${s.service} was saturated or queueing in the step that broke the SLO.`,
    `The plan sizes ${s.service} only, and charges all of a client request's proxy work to its nodes.`,
  ];
  if (s.faultsNotInjected.length > 0) out.push(`The scenario's faults were not injected (a sweep measures the steady state): ${s.faultsNotInjected.join(', ')}.`);
  return out;
}
