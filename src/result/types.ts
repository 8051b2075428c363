// Why: the run result is the one document everything downstream reads (report, gate, compare,
// capacity). It is versioned; a reader upgrades the one older version it knows (1) and rejects
// any other instead of guessing. Latencies are milliseconds; histograms are HDR, microseconds,
// compressed base64. `latencyMs` and `histogram` are always the latency of *successful*
// requests, so a fast failure can never make an arm look faster; `latencyAllMs`/`histogramAll`
// hold every completed request, labelled as such.
import type { ArmName, FaultKind, FaultTarget, Scenario } from '../scenario/types.ts';
import type { LatencySummaryMs } from '../stats/histogram.ts';
import type { CpuPinningMode } from '../runtime/cpu-pinning.ts';

export const RESULT_SCHEMA = 'meshbench.run-result';
export const RESULT_VERSION = 2;

export interface RunResult {
  schema: typeof RESULT_SCHEMA;
  version: typeof RESULT_VERSION;
  id: string;
  startedAt: string;
  finishedAt: string;
  meshbenchVersion: string;
  /** Set when this document was upgraded from an older version on reading. */
  upgradedFrom?: 1;
  scenario: Scenario;
  environment: EnvironmentInfo;
  /** What else the machine was doing: load average and other meshbench runs, before and after. */
  host: HostState;
  arms: ArmResult[];
  /** meshed minus direct over the whole measured part (successful requests), when both ran. */
  comparison: Comparison | null;
  /** The steady state (outside incidents and their recovery) per arm and the mesh's cost there. */
  steadyState: SteadyState | null;
  /** Each incident (fault) per arm and repeat: before, during, recovery after. */
  incidents: IncidentReport[];
  /** Incidents as they actually ran, per phase. */
  faults: FaultRecord[];
  /** Conditions as they actually ran, per phase (start ≈ −warmup: they cover the warmup too). */
  conditions: FaultRecord[];
  /** Whether the comparisons are measurable, and why not. */
  validity: Validity;
  /** The scenario's gates as judged after the run; null when not judged (e.g. a re-rendered v1 result). */
  gates: GateOutcome[] | null;
  /** A few lines answering the user's question (steady-state cost, each incident, the proxy, validity). */
  verdict: string[];
}

export interface HostState {
  cpus: number;
  /** os.loadavg() (1, 5, 15 min) just before the first phase and just after the last. */
  loadAverageBefore: [number, number, number] | null;
  loadAverageAfter: [number, number, number] | null;
  /** Ids of other meshbench runs whose ledger owner was alive, before and after. */
  otherRunsBefore: string[];
  otherRunsAfter: string[];
  /**
   * Share of the machine's CPU time the hypervisor gave to other guests between the first phase
   * and the last (/proc/stat steal): noise the guest's load average cannot show. null when not
   * known (not Linux); absent in results written before it was recorded.
   */
  hypervisorSteal?: number | null;
  /**
   * The CPUs the generator, the proxy and the services ran on (`run --cpu-pinning`), or why
   * nothing was pinned; absent in results written before it was recorded.
   */
  cpuPinning?: CpuPinningRecord;
}

/** What a run's CPU pinning actually was — never the plan alone when taskset could not apply it. */
export interface CpuPinningRecord {
  mode: CpuPinningMode;
  /** Kernel CPU lists ("0", "2-3") each part was held to; null when the run ran unpinned. */
  applied: { generator: string; proxy: string; services: string } | null;
  /** One line: the plan, why there was none, or what failed applying it. */
  reason: string;
}

export interface EnvironmentInfo {
  node: string;
  platform: string;
  arch: string;
  kernel: string;
  cpus: number;
  cpuModel: string;
  totalMemGiB: number;
  backend: 'embedded' | 'kubernetes';
  /** The cluster the kubernetes backend deployed into; absent on the embedded backend. */
  cluster?: ClusterInfo;
}

export interface ClusterInfo {
  /** The API server's version, e.g. "v1.34.4". */
  version: string;
  nodes: ClusterNode[];
}

export interface ClusterNode {
  name: string;
  /** The node's topology.kubernetes.io/zone label; null when it has none. */
  zone: string | null;
  /** The node's capacity as Kubernetes quantities, e.g. {cpu: "2", memory: "8029Mi", pods: "110"}. */
  capacity: Record<string, string>;
}

/** Latency percentiles in milliseconds (the HDR summary, as stored). */
export type LatencyMs = LatencySummaryMs;

export interface RequestCounts {
  /** Arrivals the schedule asked for (sent + dropped). */
  scheduled: number;
  sent: number;
  ok: number;
  /** Non-2xx responses and connection errors, excluding timeouts. */
  errors: number;
  timeouts: number;
  /** Arrivals not sent because maxInFlight was reached. */
  dropped: number;
  byStatus: Record<string, number>;
}

/** Failures of requests that did not succeed, by reason (see src/load/failure-reason.ts). */
export interface Failures {
  byReason: Record<string, number>;
}

export interface ArmResult {
  name: ArmName;
  /** Merged over repeats: latency of successful requests, from the intended send time. */
  latencyMs: LatencyMs;
  /** Merged over repeats: latency of every completed request, failed ones included. */
  latencyAllMs: LatencyMs;
  requests: RequestCounts;
  failures: Failures;
  achievedRps: number;
  /** Successful client responses per second of the measured part. */
  goodputRps: number;
  errorRate: number;
  /** How late the generator sent (actual − intended): the measurement floor. */
  sendLatenessMs: LatencyMs;
  /** HDR of successful requests' latency, merged over repeats. */
  histogram: string;
  /** HDR of every completed request's latency, merged over repeats. */
  histogramAll: string;
  repeats: RepeatResult[];
  /** Present for the meshed arm: the proxy's settings, what it did and what it cost. */
  proxy: ProxyReport | null;
  /** The most amplified call edge's figure (for gates); null when no edge was measured. */
  amplification: { peak: number; mean: number; edge: string } | null;
  /** Amplification per call edge, over all repeats. */
  edges: EdgeSummary[];
  recovery: RecoveryRecord[];
}

export interface RepeatResult {
  index: number;
  startedAt: string;
  measuredMs: number;
  latencyMs: LatencyMs;
  latencyAllMs: LatencyMs;
  requests: RequestCounts;
  failures: Failures;
  achievedRps: number;
  sendLatenessMs: LatencyMs;
  histogram: string;
  histogramAll: string;
  warmup: WarmupRecord | null;
  windows: WindowPoint[];
  services: ServiceSeries[];
  edges: EdgeSeries[];
  /** The proxy's counters over the measured part of this repeat (meshed arm). */
  proxy: ProxyUsage | null;
}

/** How the warmup of a phase went (see src/load/warmup-policy.ts). */
export interface WarmupRecord {
  ms: number;
  /** fixed: exactly load.warmup; settled: the per-second p99 settled; requests: every hop carried
   * warmupRequests (rate too low for a per-second p99); max: warmupMax reached without either. */
  endedBy: 'fixed' | 'settled' | 'requests' | 'max';
  windows: Array<{ t: number; sent: number; ok: number; p99: number | null }>;
}

/** One 1-second window of the measured part, t = seconds since measurement start. */
export interface WindowPoint {
  t: number;
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  /** Requests of the window that did not succeed, by reason; adds up to scheduled − ok. */
  failures: Record<string, number>;
  /** Successful requests' latency; null when none succeeded in the window. */
  p50: number | null;
  p99: number | null;
  max: number | null;
  /** Every completed request's latency (failures included); null when none completed. */
  p50All: number | null;
  p99All: number | null;
  histogram: string;
  histogramAll: string;
}

/** Per-service counters sampled once per window (sums over replicas). */
export interface ServiceSeries {
  service: string;
  windows: Array<{
    t: number;
    /** Requests that arrived at the service during the window (attempts, retries included). */
    arrivals: number;
    completed: number;
    /** Requests dropped because their propagated deadline had passed. */
    expired: number;
    inFlight: number;
    queueDepth: number;
  }>;
}

/**
 * One call edge, counted at both ends per window. The caller's side counts each request it had
 * to make when that request finished: `requests`, the `attempts` it made for them (retries
 * included) and how many of them made at least one attempt (`attempted`; a proxy can fail a
 * request fast without any). So attempts ÷ attempted is bounded by 1 + retries by construction.
 * `arrivals` is the callee's side: attempts that reached it in the window.
 */
export interface EdgeSeries {
  from: string;
  to: string;
  /** Who made the attempts: the load generator, the calling app (direct) or the mesh proxy. */
  caller: 'client' | 'app' | 'proxy';
  windows: Array<{ t: number; requests: number; attempts: number; attempted: number; arrivals: number }>;
}

export interface EdgeSummary {
  edge: string;
  from: string;
  to: string;
  caller: EdgeSeries['caller'];
  /** Highest per-window attempts ÷ attempted; mean = all attempts ÷ all attempted. */
  peak: number;
  mean: number;
  requests: number;
  /** Requests failed without a single attempt (a proxy's fast failures). */
  notAttempted: number;
}

export interface ProxyUsage {
  /** Counter increments over the measured part (requests, retries, budget_refusals, ejections, shed, deadline_exceeded, proxy_error_*). */
  counters: Record<string, number>;
  /** CPU-seconds of all proxy processes together over the measured part. */
  cpuSeconds: number | null;
  /** Largest resident memory of one proxy process, each at its last sample in the measured part. */
  rssBytes: number | null;
  /** Each proxy process (a DaemonSet's pod per node, a sidecar per replica, the embedded proxy). */
  processes: ProxyProcessUsage[];
}

export interface ProxyProcessUsage {
  /** The pod's name, or the embedded proxy's `mesh-proxy (pid N)`. */
  name: string;
  /** The Kubernetes node it ran on; null outside a cluster. */
  node: string | null;
  /** CPU-seconds it used over the measured part (from its first sample in it to its last). */
  cpuSeconds: number | null;
  /** Resident memory at its last sample in the measured part. */
  rssBytes: number | null;
}

export interface ProxyReport {
  config: unknown;
  /** Counter increments over the measured parts of all repeats. */
  counters: Record<string, number>;
  /** Requests per route and destination zone: the policy-routing audit. */
  audit: Array<{ route: string; zone: string; requests: number }>;
  /** CPU cores the proxy used per 1 000 proxied requests per second (= CPU-seconds per 1 000 requests). */
  cpuPerKiloRps: number | null;
  /** Largest resident memory of one proxy process seen at the end of a repeat. */
  rssBytes: number | null;
  /** Each proxy process of each repeat, with its CPU and memory over that repeat's measured part. */
  processes: Array<ProxyProcessUsage & { repeat: number }>;
}

export interface FaultRecord {
  name: string;
  kind: FaultKind;
  target: FaultTarget;
  arm: ArmName;
  repeat: number;
  /** Which mechanism actually ran, e.g. "toxiproxy latency toxic", "nftables numgen drop". */
  mechanism: string;
  requestedStartMs: number;
  requestedStopMs: number;
  actualStartMs: number | null;
  actualStopMs: number | null;
  error: string | null;
}

export interface RecoveryRecord {
  fault: string;
  repeat: number;
  /** Seconds after the fault ended until latency and success were back and stayed; null = not recovered or not judged. */
  recoveredAfterS: number | null;
  /** Whether recovery could be judged at all (see IncidentRepeat.recovery). */
  status: IncidentRepeat['recovery'];
}

export interface Comparison {
  base: ArmName;
  other: ArmName;
  addedMs: { p50: number; p99: number; p999: number };
  ratio: { p50: number; p99: number; p999: number };
}

/** The windows outside every incident and its recovery, per arm, and what the mesh costs there. */
export interface SteadyState {
  arms: SteadyArm[];
  /** meshed − direct on the steady-state windows, with a bootstrap interval; null unless both arms ran. */
  cost: { p50: CostFigure; p99: CostFigure } | null;
}

export interface SteadyArm {
  arm: ArmName;
  /** Windows counted as steady state, over all repeats. */
  windows: number;
  latencyMs: LatencyMs;
  successRate: number;
  goodputRps: number;
  histogram: string;
  repeats: Array<{ repeat: number; windows: number; latencyMs: LatencyMs; successRate: number; histogram: string; /** t of each steady window. */ windowTimes: number[] }>;
}

export interface CostFigure {
  /** meshed − direct, ms. */
  addedMs: number;
  interval: { lo: number; hi: number } | null;
  /** The generator's send lateness at the same percentile (the larger arm's). */
  floorMs: number;
  /** False when the difference is not larger than the floor: not measurable on this machine. */
  measurable: boolean;
}

export interface IncidentReport {
  fault: string;
  kind: FaultKind;
  atMs: number;
  durationMs: number;
  arms: Array<{ arm: ArmName; repeats: IncidentRepeat[] }>;
}

export interface IncidentRepeat {
  repeat: number;
  /** The steady windows just before this incident (what recovery is judged against). */
  before: WindowStats | null;
  during: WindowStats | null;
  /**
   * recovered: back within recovery.p99Factor and minSuccessRate for recovery.stable;
   * not-recovered: never within the measured part; no-time: too few windows after the end to
   * judge; no-baseline: no steady window before the incident to compare with.
   */
  recovery: 'recovered' | 'not-recovered' | 'no-time' | 'no-baseline';
  recoveredAfterS: number | null;
  /** Windows after the end until recovery (or the end of the measured part). */
  recoveryWindows: number;
}

export interface WindowStats {
  windows: number;
  /** Successful requests' latency; null when none succeeded. */
  p50: number | null;
  p99: number | null;
  successRate: number;
  goodputRps: number;
  failures: Record<string, number>;
}

export type ValidityStatus = 'valid' | 'inconclusive' | 'invalid';

/** What a check affects: every comparison, latency comparisons, or incident outcomes. */
export type ValidityScope = 'run' | 'latency' | 'latency-difference' | 'recovery';

export interface ValidityCheck {
  check: 'floor' | 'repeats-disagree' | 'warmup' | 'transient' | 'load-average' | 'hypervisor-steal' | 'concurrent-run' | 'faults-applied' | 'measured' | 'result-version';
  status: ValidityStatus | 'skipped';
  scope: ValidityScope;
  message: string;
}

export interface Validity {
  status: ValidityStatus;
  /** The checks that did not pass, worst first. */
  reasons: ValidityCheck[];
  checks: ValidityCheck[];
}

export interface GateOutcome {
  expression: string;
  status: 'pass' | 'fail' | 'inconclusive';
  /** What was judged (e.g. "meshed.p99 / direct.p99") and its value as measured. */
  statistic: string;
  value: number | null;
  interval: { lo: number; hi: number } | null;
  /** The same, formatted with units as on the console: measured value, interval, threshold. */
  text: { measured: string; interval: string; threshold: string };
  /** One line, as printed: `PASS meshed.p99 < 25ms — …`. */
  verdict: string;
}
