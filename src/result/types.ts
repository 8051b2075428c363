// Why: the run result is the one document everything downstream reads (report, gate, compare,
// capacity). It is versioned; a reader rejects a version it does not know instead of guessing.
// Latencies are milliseconds; histograms are HDR, microseconds, compressed base64.
import type { ArmName, FaultKind, FaultTarget, Scenario } from '../scenario/types.ts';
import type { LatencySummaryMs } from '../stats/histogram.ts';

export const RESULT_SCHEMA = 'meshbench.run-result';
export const RESULT_VERSION = 1;

export interface RunResult {
  schema: typeof RESULT_SCHEMA;
  version: typeof RESULT_VERSION;
  id: string;
  startedAt: string;
  finishedAt: string;
  meshbenchVersion: string;
  scenario: Scenario;
  environment: EnvironmentInfo;
  arms: ArmResult[];
  /** meshed minus direct, when both ran. */
  comparison: Comparison | null;
  faults: FaultRecord[];
  /** One sentence for the top of the report (filled by the analysis of faults/recovery). */
  verdict: string | null;
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

export interface ArmResult {
  name: ArmName;
  /** Merged over repeats: client latency from the intended send time. */
  latencyMs: LatencyMs;
  requests: RequestCounts;
  achievedRps: number;
  errorRate: number;
  /** How late the generator sent (actual − intended): the measurement floor. */
  sendLatenessMs: LatencyMs;
  /** HDR of all successful and failed requests' latency, merged over repeats. */
  histogram: string;
  repeats: RepeatResult[];
  /** Present for the meshed arm: the proxy's effective config and counters. */
  proxy: ProxyReport | null;
  /** Attempts arriving at services ÷ client requests (filled when service counters exist). */
  amplification: { peak: number; mean: number } | null;
  recovery: RecoveryRecord[];
}

export interface RepeatResult {
  index: number;
  startedAt: string;
  measuredMs: number;
  latencyMs: LatencyMs;
  requests: RequestCounts;
  achievedRps: number;
  sendLatenessMs: LatencyMs;
  histogram: string;
  windows: WindowPoint[];
  services: ServiceSeries[];
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
  p50: number;
  p99: number;
  max: number;
  histogram: string;
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

export interface ProxyReport {
  config: unknown;
  counters: Record<string, number>;
  /** Requests per route and destination zone: the policy-routing audit. */
  audit: Array<{ route: string; zone: string; requests: number }>;
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
  /** Seconds after the fault ended until latency and success were back and stayed; null = never. */
  recoveredAfterS: number | null;
}

export interface Comparison {
  base: ArmName;
  other: ArmName;
  addedMs: { p50: number; p99: number; p999: number };
  ratio: { p50: number; p99: number; p999: number };
}
