// Why: the answer a user takes to a purchase — for a target rate with headroom, how many replicas
// of the bottleneck service and how many nodes of a stated size, without a mesh and with it.
// Replicas come from each arm's fitted scalability model; nodes from packing replicas (measured
// CPU and RSS at the rate each will serve) onto nodes, plus in the meshed arm the proxy's own
// cost: one proxy per node carrying all its pods' traffic (DaemonSet) or one per pod (sidecar).
// Pure: models and sizes in, plan out; a target no replica count reaches is said, not guessed.
import type { ArmName } from '../scenario/types.ts';
import { coresAt, proxyRssAt, type ResourceModel } from './resources.ts';
import { uslPeak, uslThroughput, type UslFit } from './usl.ts';

export type ProxyModel = 'daemonset' | 'sidecar';

export interface NodeSize {
  cores: number;
  memoryMiB: number;
  /** Pods a node may run (Kubernetes' default is 110). */
  maxPods: number;
}

export interface PlanRequest {
  targetRps: number;
  /** Spare capacity above the target, as a fraction (0.3 = 30 %). */
  headroom: number;
  node: NodeSize;
  proxyModel: ProxyModel;
}

/** What the sweep established for one arm, as far as the plan needs it. */
export interface ArmModel {
  arm: ArmName;
  usl: UslFit | null;
  resources: ResourceModel | null;
  /** Largest replica count whose knee the model was fitted to. */
  largestMeasured: number;
}

export type ArmPlan =
  | {
      arm: ArmName;
      feasible: true;
      replicas: number;
      nodes: number;
      podsPerNode: number;
      /** What bounds pods per node. */
      bound: 'cpu' | 'memory' | 'pods';
      /** Rate each replica serves at the target plus headroom. */
      perReplicaRps: number;
      /** One replica of the scaled service at that rate. */
      pod: { cores: number; memoryMiB: number };
      /** The mesh proxy: per node (DaemonSet, at a full node's rate) or per pod (sidecar). */
      proxy: { per: 'node' | 'pod'; cores: number; memoryMiB: number } | null;
      /** Planned replicas ÷ the largest replica count measured. */
      extrapolation: number;
    }
  | { arm: ArmName; feasible: false; reason: string };

export interface Plan {
  targetRps: number;
  headroom: number;
  /** targetRps × (1 + headroom): what the replicas are sized for. */
  neededRps: number;
  node: NodeSize;
  proxyModel: ProxyModel;
  direct: ArmPlan | null;
  meshed: ArmPlan | null;
  /** meshed.nodes − direct.nodes, when both arms have a plan. */
  meshCostNodes: number | null;
}

/** Beyond this the answer is not a plan but a different architecture. */
export const MAX_PLAN_REPLICAS = 100_000;

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Smallest replica count the model says reaches `neededRps`, or why none does. */
export function replicasFor(usl: UslFit, neededRps: number): { replicas: number } | { reason: string } {
  const peak = uslPeak(usl);
  const lastUseful = peak ? Math.ceil(peak.replicas) : MAX_PLAN_REPLICAS;
  for (let n = 1; n <= Math.min(lastUseful, MAX_PLAN_REPLICAS); n++) {
    if (uslThroughput(usl, n) >= neededRps) return { replicas: n };
  }
  if (peak) {
    return {
      reason: `the fitted model never reaches ${Math.round(neededRps)} rps: it peaks at ${Math.round(peak.rps)} rps near ${Math.round(peak.replicas)} replicas (σ = ${round(usl.sigma, 4)}, κ = ${round(usl.kappa, 5)}), and more replicas only add crosstalk`,
    };
  }
  if (usl.sigma > 0 && usl.lambda / usl.sigma <= neededRps) {
    return {
      reason: `the fitted model never reaches ${Math.round(neededRps)} rps: with contention σ = ${round(usl.sigma, 4)} throughput approaches λ/σ = ${Math.round(usl.lambda / usl.sigma)} rps however many replicas run`,
    };
  }
  return { reason: `it would take more than ${MAX_PLAN_REPLICAS} replicas of ${Math.round(usl.lambda)} rps each; that is not a capacity plan but a different architecture` };
}

interface Fit {
  k: number;
  bound: 'cpu' | 'memory' | 'pods';
}

/** Most pods of one kind a node holds, with what bounds it; `extra` is the node's overhead for k pods. */
export function podsPerNode(node: NodeSize, pod: { cores: number; memoryMiB: number }, extra: (k: number) => { cores: number; memoryMiB: number; pods: number }): Fit {
  const fits = (k: number): 'cpu' | 'memory' | 'pods' | null => {
    const e = extra(k);
    if (k + e.pods > node.maxPods) return 'pods';
    if (k * pod.cores + e.cores > node.cores + 1e-12) return 'cpu';
    if (k * pod.memoryMiB + e.memoryMiB > node.memoryMiB + 1e-9) return 'memory';
    return null;
  };
  let k = 0;
  for (;;) {
    const broken = fits(k + 1);
    if (broken !== null) return { k, bound: broken };
    k++;
  }
}

function planArm(model: ArmModel, req: PlanRequest, neededRps: number): ArmPlan {
  const { arm, usl, resources } = model;
  if (!usl) return { arm, feasible: false, reason: 'no knee set by the scaled service was measured, so there is nothing to fit' };
  if (!resources) return { arm, feasible: false, reason: 'no step met the SLOs, so there is no measured cost of a replica' };
  const found = replicasFor(usl, neededRps);
  if ('reason' in found) return { arm, feasible: false, reason: found.reason };
  const replicas = found.replicas;
  const perReplicaRps = neededRps / replicas;
  const pod = { cores: coresAt(resources.replica, perReplicaRps), memoryMiB: resources.replica.rssMiB };
  const proxyModel = arm === 'meshed' ? resources.proxy : null;
  if (arm === 'meshed' && !proxyModel) return { arm, feasible: false, reason: 'the meshed arm has no proxy measurements' };

  let fit: Fit;
  let proxy: Extract<ArmPlan, { feasible: true }>['proxy'] = null;
  if (!proxyModel) {
    fit = podsPerNode(req.node, pod, () => ({ cores: 0, memoryMiB: 0, pods: 0 }));
  } else if (req.proxyModel === 'sidecar') {
    const side = { cores: coresAt(proxyModel, perReplicaRps), memoryMiB: proxyRssAt(proxyModel, perReplicaRps) };
    fit = podsPerNode(req.node, { cores: pod.cores + side.cores, memoryMiB: pod.memoryMiB + side.memoryMiB }, () => ({ cores: 0, memoryMiB: 0, pods: 0 }));
    proxy = { per: 'pod', ...side };
  } else {
    const perNode = (k: number) => ({ cores: coresAt(proxyModel, k * perReplicaRps), memoryMiB: proxyRssAt(proxyModel, k * perReplicaRps), pods: 1 });
    fit = podsPerNode(req.node, pod, perNode);
    const full = perNode(Math.max(1, Math.min(fit.k, replicas)));
    proxy = { per: 'node', cores: full.cores, memoryMiB: full.memoryMiB };
  }
  if (fit.k === 0) {
    const needs = proxy
      ? `a replica (${round(pod.cores, 2)} cores, ${Math.round(pod.memoryMiB)} MiB) plus its proxy (${round(proxy.cores, 2)} cores, ${Math.round(proxy.memoryMiB)} MiB)`
      : `a replica (${round(pod.cores, 2)} cores, ${Math.round(pod.memoryMiB)} MiB)`;
    return {
      arm,
      feasible: false,
      reason: `a node of ${req.node.cores} cores and ${Math.round(req.node.memoryMiB)} MiB (at most ${req.node.maxPods} pods) cannot hold even one: it needs ${needs}; choose a larger --node-cores/--node-memory`,
    };
  }
  return {
    arm,
    feasible: true,
    replicas,
    nodes: Math.ceil(replicas / fit.k),
    podsPerNode: fit.k,
    bound: fit.bound,
    perReplicaRps,
    pod,
    proxy,
    extrapolation: replicas / model.largestMeasured,
  };
}

export function makePlan(models: readonly ArmModel[], req: PlanRequest): Plan {
  const neededRps = req.targetRps * (1 + req.headroom);
  const planFor = (arm: ArmName) => {
    const model = models.find((m) => m.arm === arm);
    return model ? planArm(model, req, neededRps) : null;
  };
  const direct = planFor('direct');
  const meshed = planFor('meshed');
  return {
    targetRps: req.targetRps,
    headroom: req.headroom,
    neededRps,
    node: req.node,
    proxyModel: req.proxyModel,
    direct,
    meshed,
    meshCostNodes: direct?.feasible && meshed?.feasible ? meshed.nodes - direct.nodes : null,
  };
}
