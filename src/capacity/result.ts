// Why: capacity.json is the one document a capacity run leaves: every step measured, the knee
// per arm and replica count, the fitted model with its hold-out check, the mesh tax and the
// plan. It is versioned like the run result; the report and a re-plan read only this.
import type { EnvironmentInfo } from '../result/types.ts';
import type { ArmName, Scenario } from '../scenario/types.ts';
import type { LatencySummaryMs } from '../stats/histogram.ts';
import type { Plan } from './plan.ts';
import type { ProbeResult } from './probe.ts';
import type { ResourceModel } from './resources.ts';
import type { Slo } from './slo.ts';
import type { BottleneckLoad, KneeLimit } from './step-judgement.ts';
import type { KneeOutcome, StepPurpose } from './sweep.ts';
import type { Holdout, UslFit, UslPoint } from './usl.ts';

export const CAPACITY_SCHEMA = 'meshbench.capacity';
export const CAPACITY_VERSION = 1;

/** One open-loop step at one rate, as measured. */
export interface StepRecord {
  purpose: StepPurpose;
  /** Offered arrivals per second. */
  rate: number;
  /** Measured seconds (shorter than asked when the step collapsed and was cut short). */
  measuredS: number;
  sentRps: number;
  /** Successful responses per second (goodput). */
  okRps: number;
  /** Latency of successful requests from their intended send time (failures count in errorRate). */
  latencyMs: LatencySummaryMs;
  /** (scheduled − ok) ÷ scheduled: errors, timeouts and drops. */
  errorRate: number;
  timeoutRate: number;
  dropped: number;
  /** The generator's send lateness p99: the measurement floor of this step. */
  sendLatenessP99Ms: number;
  /** Why the step was cut short, or null. */
  collapsed: string | null;
  /** SLOs (their text) the step broke. */
  broken: string[];
  meets: boolean;
  /** The scaled service's pool and queue during the step. */
  bottleneck: BottleneckLoad;
  /** Mean CPU cores one replica of the scaled service used. */
  replicaCores: number;
  /** Largest RSS of one replica, MiB. */
  replicaRssMiB: number;
  /** The mesh proxy (meshed arm). */
  proxy: { cores: number; rssMiB: number } | null;
  /** Share of all cores busy during the step, and how many cores meshbench's processes used. */
  machine: { busy: number; meshbenchCores: number } | null;
}

export interface KneeRecord {
  replicas: number;
  outcome: KneeOutcome;
  /** The SLO knee: the highest rate measured to meet every SLO. */
  maxRps: number | null;
  /** The knee lies in [low, high): low met every SLO, high did not. */
  interval: { low: number | null; high: number | null };
  /** (high − low) ÷ low in %: the knee's resolution. */
  resolutionPct: number | null;
  /** Who set the knee, judged on the step above it (step-judgement.ts); null when none failed. */
  limitedBy: KneeLimit | null;
  /** replicas × pool / time per query of the scaled service, by construction. */
  nominalRps: number;
  /** How long a query holds its connection by construction (service time + contention), ms. */
  configuredQueryMs: number;
  /** Closed-loop saturation throughput (the probe). */
  saturationRps: number;
  /** Highest offered rate whose goodput kept up (≥ 95 %). */
  throughputKneeRps: number | null;
  /** Lowest offered rate that broke down (goodput < 90 % or collapse). */
  breakpointRps: number | null;
  probe: ProbeResult;
  steps: StepRecord[];
  /** Wall time of this replica count's sweep, topology start-ups included. */
  wallTimeS: number;
}

/** What a sweep measured for one arm. */
export interface ArmSweep {
  name: ArmName;
  knees: KneeRecord[];
}

export interface CapacitySettings {
  /** The service whose replicas were scaled. */
  service: string;
  replicas: number[];
  slos: Slo[];
  step: { warmupS: number; durationS: number; timeoutMs: number };
  probeS: number;
  /** Bisection stops when a knee's bracket is this narrow (fraction). */
  resolution: number;
  limits: { minRps: number; maxRps: number };
  /** The scenario's faults, which a capacity sweep does not inject. */
  faultsNotInjected: string[];
}

/** The measured part of capacity.json: everything the model and plan are computed from. */
export interface CapacitySweep {
  id: string;
  startedAt: string;
  finishedAt: string;
  wallTimeS: number;
  meshbenchVersion: string;
  environment: EnvironmentInfo;
  scenario: Scenario;
  settings: CapacitySettings;
  arms: ArmSweep[];
}

export interface ArmCapacity extends ArmSweep {
  /**
   * Fitted to the knees the scaled service set; when it set none but this machine's limit was
   * reached, the smallest count's knee as a lower bound of λ, linear (`lowerBound`); else null.
   */
  usl: (UslFit & { points: UslPoint[]; lowerBound: boolean }) | null;
  holdout: Holdout | null;
  resources: ResourceModel | null;
  /** Why this arm's model should not be trusted; empty when nothing speaks against it. */
  doubts: string[];
}

export interface CapacityResult extends Omit<CapacitySweep, 'arms'> {
  schema: typeof CAPACITY_SCHEMA;
  version: typeof CAPACITY_VERSION;
  arms: ArmCapacity[];
  plan: Plan & { trustworthy: boolean };
}
