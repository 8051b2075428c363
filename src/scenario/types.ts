// Why: the scenario is parsed and validated once into these typed objects; everything after
// (runner, proxy config, faults, gates) reads only these, never the YAML. All times are in
// milliseconds unless a field name says otherwise (…S = seconds).

export type ArmName = 'direct' | 'meshed';
export const ARM_NAMES: readonly ArmName[] = ['direct', 'meshed'];

export interface Scenario {
  /** Path of the file it was read from, for messages and the result. */
  file: string;
  name: string;
  description: string;
  seed: number;
  /** How many times each arm runs; arms alternate A B A B … */
  repeats: number;
  backend: BackendSpec;
  topology: Topology;
  load: LoadSpec;
  arms: ArmName[];
  mesh: MeshConfig;
  /** Which mesh runs and how the bundled proxy is deployed (the `mesh:` block's kubernetes keys). */
  meshDeployment: MeshDeployment;
  /** Always-on conditions (jitter, loss, CPU steal …): on from the start of warmup to the end of each phase. */
  conditions: ConditionSpec[];
  /** Incidents on the timeline of the measured part: each has a start and an end. */
  faults: FaultSpec[];
  /** Gate expressions, parsed by the gate module (e.g. "meshed.p99 < 25ms"). */
  gates: string[];
  gateOptions: GateOptions;
  recovery: RecoveryOptions;
  /** A real toxiproxy-server to use instead of the bundled one. */
  toxiproxyUrl: string | null;
}

export type BackendSpec = { kind: 'embedded' } | KubernetesBackendSpec;

export type ImagePullPolicy = 'IfNotPresent' | 'Always' | 'Never';

export interface KubernetesBackendSpec {
  kind: 'kubernetes';
  /** kubeconfig file; null = the local cluster's when it is up, else the usual lookup. */
  kubeconfig: string | null;
  /** kubeconfig context; null = the file's current context. */
  context: string | null;
  /** Namespace to create and delete; null = `meshbench-<run id>`. */
  namespace: string | null;
  /** The meshbench image every pod runs (services, proxy, load generator, chaos agent). */
  image: string;
  imagePullPolicy: ImagePullPolicy;
  /** CPU and memory each pod kind requests, so none is BestEffort (the first evicted and starved under load). */
  requests: PodRequests;
}

/** Requests only, no limits: a limit would CPU-throttle the load generator and the services. The
 * bundled proxy's requests and limits are mesh.resources. */
export interface PodRequests {
  services: ResourceAmounts;
  load: ResourceAmounts;
  toxiproxy: ResourceAmounts;
}

/** Kubernetes quantities, e.g. cpu "100m", memory "64Mi". */
export interface ResourceAmounts {
  cpu: string;
  memory: string;
}

/** `bundled`: meshbench's own proxy; `linkerd`/`istio`: a mesh already installed in the cluster. */
export type MeshProvider = 'bundled' | 'linkerd' | 'istio';
/** How the bundled proxy is deployed in a cluster: one per node (Linkerd 1's DaemonSet) or one per pod. */
export type ProxyDeployMode = 'daemonset' | 'sidecar';

export interface MeshDeployment {
  provider: MeshProvider;
  deploy: ProxyDeployMode;
  /** Kubernetes resources of each bundled-proxy container, as quantities ("200m", "256Mi"). */
  resources: ContainerResources;
}

export interface ContainerResources {
  requests: ResourceAmounts;
  limits: ResourceAmounts;
}

export interface Topology {
  /** The service the load generator calls. */
  entry: string;
  services: ServiceSpec[];
}

export interface ServiceSpec {
  name: string;
  replicas: number;
  /** Simulated DB query time per request. */
  serviceTime: Distribution;
  /** Simulated DB connection pool: at most this many queries at once per replica; the rest queue. */
  pool: number;
  responseBytes: number;
  /** Downstream calls made (in order) before the DB work. */
  calls: CallSpec[];
  /** Zone label per replica (length = replicas), used by policy routing; null = unlabelled. */
  zones: string[] | null;
  /** A service the user already runs: no process is started, both arms call this URL. */
  external: string | null;
  /** Costs that grow with the replica count, so the service scales sublinearly; null = none. */
  contention: Contention | null;
}

/**
 * What replicas of one service must do with each other on every query, held on the query's pool
 * connection: coordination with each other replica (a lock, a quorum read) and crosstalk per
 * ordered pair of replicas (cache coherency). With mean service time T, capacity follows the
 * Universal Scalability Law with σ = perOtherReplicaMs / T and κ = perReplicaPairMs / T.
 */
export interface Contention {
  perOtherReplicaMs: number;
  perReplicaPairMs: number;
}

export type Distribution =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number }
  | { kind: 'lognormal'; p50Ms: number; p99Ms: number };

export interface CallSpec {
  service: string;
  /** The caller application's own retry policy, applied in the direct arm only. */
  retry: AppRetryPolicy;
}

export interface AppRetryPolicy {
  /** Per-attempt timeout; null = wait forever. */
  timeoutMs: number | null;
  retries: number;
  backoffMs: number;
}

export interface LoadSpec {
  /** Target arrivals per second (after the ramp, if any). */
  rate: number;
  arrival: 'constant' | 'poisson';
  /** Minimum warmup; it goes on until the per-second p99 settles (src/load/warmup-policy.ts) … */
  warmupS: number;
  /** … or every hop has carried `warmupRequests` (rates too low for a per-second p99), at most this long. */
  warmupMaxS: number;
  warmupRequests: number;
  durationS: number;
  /** Linear ramp from `fromRate` to `rate` over the first `overS` seconds of the measured part. */
  ramp: { fromRate: number; overS: number } | null;
  /** Cap on requests in flight; an arrival beyond it is counted as dropped, never delayed. */
  maxInFlight: number;
  /** Client-side timeout; a request past it counts as a timeout. */
  timeoutMs: number;
  method: string;
  path: string;
  /** Request classes mixed by weight (e.g. ordinary vs `sensitive-norway`). */
  classes: RequestClass[];
  /** Load-generator pods sharing the rate (kubernetes); the embedded backend runs one generator. */
  generators: number;
}

export interface RequestClass {
  name: string;
  weight: number;
  headers: Record<string, string>;
}

export type BalancerKind = 'p2c-ewma' | 'least-pending' | 'round-robin';

export interface MeshConfig {
  /** Outgoing router port (Linkerd convention 4140; 0 = any free port). */
  port: number;
  /** Admin port with Prometheus /metrics (9990; 0 = any free port). */
  adminPort: number;
  /** Address the router and admin bind to; loopback unless configured otherwise. */
  bindAddress: string;
  balancer: BalancerKind;
  ewma: { decayMs: number; defaultRttMs: number };
  retry: MeshRetryConfig;
  breaker: BreakerConfig;
  /** Per-route total timeout; the remaining deadline is propagated downstream. null = none. */
  timeoutMs: number | null;
  propagateDeadline: boolean;
  /** Max pending requests per destination before shedding with 503; null = unlimited. */
  maxPending: number | null;
  routes: RouteSpec[];
  limits: { maxHeaderBytes: number; headerTimeoutMs: number; idleTimeoutMs: number };
}

export interface MeshRetryConfig {
  enabled: boolean;
  /** Response statuses that are retried (connection failures before sending always are). */
  retryOn: number[];
  maxRetries: number;
  retryNonIdempotent: boolean;
  backoff: { baseMs: number; maxMs: number };
  budget: { percentCanRetry: number; minRetriesPerSec: number; ttlMs: number };
}

export interface BreakerConfig {
  enabled: boolean;
  consecutiveFailures: number;
  backoff: { minMs: number; maxMs: number; jitter: number };
}

export interface RouteSpec {
  name: string;
  /** Matches when the header is present (and equals `value`, when given). */
  match: { header: string; value: string | null };
  /** Only endpoints with these labels may receive the request. */
  subset: Record<string, string>;
  /** No matching endpoint → fail with 503 rather than fall back (always true for compliance). */
  failClosed: boolean;
}

export type ToxicKind =
  | 'latency'
  | 'bandwidth'
  | 'slow_close'
  | 'timeout'
  | 'reset_peer'
  | 'slicer'
  | 'limit_data';
export const TOXIC_KINDS: readonly ToxicKind[] = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
];

export type FaultKind =
  | ToxicKind
  | 'loss'
  | 'partition'
  | 'cpu-steal'
  | 'noisy-neighbour'
  | 'db-lock'
  | 'kill'
  | 'restart';

/** Where a fault applies: a whole service, one replica, or the link from caller to callee. */
export type FaultTarget =
  | { kind: 'service'; service: string; replica: number | null }
  | { kind: 'link'; from: string; to: string };

interface InjectionBase {
  /** Human label, e.g. "db-lock user-service". */
  name: string;
  target: FaultTarget;
}

/** What is injected and where, without when: shared by conditions and faults. */
export type Injection =
  | (InjectionBase & {
      kind: ToxicKind;
      /** Toxiproxy attribute names and values (latency, jitter, rate, delay, timeout, …). */
      attributes: Record<string, number>;
      toxicity: number;
      stream: 'upstream' | 'downstream';
    })
  | (InjectionBase & { kind: 'loss'; percent: number; allowEmulation: boolean })
  | (InjectionBase & { kind: 'partition'; allowEmulation: boolean })
  | (InjectionBase & { kind: 'cpu-steal'; percent: number; periodMs: number })
  | (InjectionBase & { kind: 'noisy-neighbour'; hogs: number })
  | (InjectionBase & { kind: 'db-lock' })
  | (InjectionBase & { kind: 'kill' })
  | (InjectionBase & { kind: 'restart' });

/** An incident: an injection with a start and an end inside the measured part. */
export type FaultSpec = Injection & {
  /** Offset from the start of the measured part of a phase. */
  atMs: number;
  durationMs: number;
};

/** Kinds that make sense as an always-on condition of the environment. */
export type ConditionKind = 'latency' | 'bandwidth' | 'loss' | 'cpu-steal' | 'noisy-neighbour';
export const CONDITION_KINDS: readonly ConditionKind[] = ['latency', 'bandwidth', 'loss', 'cpu-steal', 'noisy-neighbour'];

/** A condition: an injection that is on for the whole phase, warmup included. */
export type ConditionSpec = Injection & { kind: ConditionKind };

export interface GateOptions {
  /** What an inconclusive gate (interval straddles the threshold) does to the exit code. */
  inconclusive: 'pass' | 'fail';
  confidence: number;
}

export interface RecoveryOptions {
  /** Windowed p99 must be within this factor of the pre-fault p99 … */
  p99Factor: number;
  /** … and the success rate at least this … */
  minSuccessRate: number;
  /** … for this long, to count as recovered. */
  stableMs: number;
}
