// Why: the defaults a scenario gets for everything it leaves out, in one place, so the parser,
// the docs (scenarios/schema.json) and other modules (a bare `meshbench proxy`) agree on them.
// Mesh values follow Linkerd/Finagle (DESIGN.md, decision 4).
import type { GateOptions, MeshConfig, MeshDeployment, PodRequests, RecoveryOptions } from './types.ts';

export const DEFAULT_MESH: Readonly<MeshConfig> = deepFreeze({
  port: 4140,
  adminPort: 9990,
  bindAddress: '127.0.0.1',
  balancer: 'p2c-ewma',
  ewma: { decayMs: 10_000, defaultRttMs: 30 },
  retry: {
    enabled: true,
    retryOn: [502, 503, 504],
    maxRetries: 3,
    retryNonIdempotent: false,
    backoff: { baseMs: 5, maxMs: 100 },
    budget: { percentCanRetry: 0.2, minRetriesPerSec: 10, ttlMs: 10_000 },
  },
  breaker: { enabled: true, consecutiveFailures: 5, backoff: { minMs: 1_000, maxMs: 10_000, jitter: 0.5 } },
  timeoutMs: null,
  propagateDeadline: true,
  maxPending: 1024,
  routes: [],
  limits: { maxHeaderBytes: 16_384, headerTimeoutMs: 10_000, idleTimeoutMs: 60_000 },
} satisfies MeshConfig);

/** Frozen all the way down, so code that copies a default cannot change it for everyone. */
function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  return Object.freeze(value);
}

/** The seed's DaemonSet: Linkerd 1's proxy per node with 200m/256Mi requests, 500m/512Mi limits. */
export const DEFAULT_MESH_DEPLOYMENT: Readonly<MeshDeployment> = deepFreeze({
  provider: 'bundled',
  deploy: 'daemonset',
  resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
} satisfies MeshDeployment);

/** Pod requests small enough for the reference scenarios on two 2-core nodes (beside the proxy's
 * 200m per node): a service spends its time in timers, not CPU; the load generator is the busiest
 * pod; Toxiproxy only forwards bytes. */
export const DEFAULT_POD_REQUESTS: Readonly<PodRequests> = deepFreeze({
  services: { cpu: '50m', memory: '64Mi' },
  load: { cpu: '250m', memory: '128Mi' },
  toxiproxy: { cpu: '50m', memory: '64Mi' },
} satisfies PodRequests);

/** The image `meshbench cluster up` builds and loads into the cluster, and the pods' requests. */
export const DEFAULT_KUBERNETES_BACKEND = Object.freeze({ image: 'meshbench:dev', imagePullPolicy: 'IfNotPresent', requests: DEFAULT_POD_REQUESTS } as const);

export const DEFAULT_GATE_OPTIONS: Readonly<GateOptions> = Object.freeze({ inconclusive: 'pass', confidence: 0.95 });

export const DEFAULT_RECOVERY: Readonly<RecoveryOptions> = Object.freeze({
  p99Factor: 1.5,
  minSuccessRate: 0.99,
  stableMs: 2_000,
});

export const DEFAULT_SEED = 1;
export const DEFAULT_REPEATS = 2;

/** Per-service defaults for keys a simulated service leaves out. */
export const DEFAULT_SERVICE = Object.freeze({
  replicas: 1,
  /** No simulated DB work: the service only makes its calls and answers. */
  serviceTimeMs: 0,
  pool: 64,
  responseBytes: 128,
});

export const DEFAULT_LOAD = Object.freeze({
  /**
   * Constant, not Poisson: with evenly spaced arrivals the direct and meshed arms see exactly
   * the same offered load, so their difference is the mesh and not the luck of the bursts.
   * Choose `poisson` to study how queues react to realistic burstiness.
   */
  arrival: 'constant',
  warmupS: 2,
  /** The warmup may go on this long past its minimum waiting for the latency to settle. */
  warmupExtraS: 8,
  warmupRequests: 300,
  timeoutMs: 10_000,
  method: 'GET',
  path: '/',
  /** maxInFlight defaults to one second of load at the highest rate, and at least this. */
  minMaxInFlight: 64,
  generators: 1,
});
