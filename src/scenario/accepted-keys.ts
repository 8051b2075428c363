// Why: one table of every key the scenario format accepts, per object. The parser checks each
// map against it (unknown key → error with a suggestion) and may only read keys listed here, and
// a test walks it against scenarios/schema.json, so the editor schema cannot drift from the parser.
import { CONDITION_KINDS, type FaultKind } from './types.ts';

const FAULT_COMMON = ['kind', 'target', 'at', 'duration', 'name'] as const;
/** A condition is on for the whole phase: it has no `at` or `duration`. */
const CONDITION_COMMON = ['kind', 'target', 'name'] as const;
const TOXIC_COMMON = ['toxicity', 'stream'] as const;

/** Kind-specific keys of a fault, besides kind, target, at, duration and name. */
export const FAULT_PARAMS: Readonly<Record<FaultKind, readonly string[]>> = {
  latency: ['latency', 'jitter', ...TOXIC_COMMON],
  bandwidth: ['rate', ...TOXIC_COMMON],
  slow_close: ['delay', ...TOXIC_COMMON],
  timeout: ['timeout', ...TOXIC_COMMON],
  reset_peer: ['timeout', ...TOXIC_COMMON],
  slicer: ['averageSize', 'sizeVariation', 'delay', ...TOXIC_COMMON],
  limit_data: ['bytes', ...TOXIC_COMMON],
  loss: ['percent', 'allowEmulation'],
  partition: ['allowEmulation'],
  'cpu-steal': ['percent', 'period'],
  'noisy-neighbour': ['hogs'],
  'db-lock': [],
  kill: [],
  restart: [],
};

export const FAULT_KINDS = Object.keys(FAULT_PARAMS) as FaultKind[];

/**
 * Shape name → accepted keys. Shape names are field paths with `[]` for list items and
 * `faults[<kind>]` for a fault of one kind. Maps with free keys (headers, subset) have no entry.
 */
export const ACCEPTED_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': [
    'name',
    'description',
    'seed',
    'repeats',
    'backend',
    'arms',
    'topology',
    'load',
    'mesh',
    'conditions',
    'faults',
    'gates',
    'gateOptions',
    'recovery',
    'toxiproxy',
  ],
  backend: ['kind', 'kubeconfig', 'context', 'namespace', 'image', 'imagePullPolicy', 'requests'],
  'backend.requests': ['services', 'load', 'toxiproxy'],
  'backend.requests.services': ['cpu', 'memory'],
  'backend.requests.load': ['cpu', 'memory'],
  'backend.requests.toxiproxy': ['cpu', 'memory'],
  topology: ['entry', 'services'],
  'topology.services[]': ['name', 'replicas', 'serviceTime', 'pool', 'responseBytes', 'calls', 'zones', 'external', 'contention'],
  'topology.services[].contention': ['perOtherReplica', 'perReplicaPair'],
  'topology.services[].serviceTime': ['uniform', 'exponential', 'lognormal'],
  'topology.services[].serviceTime.uniform': ['min', 'max'],
  'topology.services[].serviceTime.exponential': ['mean'],
  'topology.services[].serviceTime.lognormal': ['p50', 'p99'],
  'topology.services[].calls[]': ['service', 'timeout', 'retries', 'backoff'],
  load: ['rate', 'arrival', 'warmup', 'warmupMax', 'warmupRequests', 'duration', 'ramp', 'maxInFlight', 'timeout', 'method', 'path', 'classes', 'generators'],
  'load.ramp': ['from', 'over'],
  'load.classes[]': ['name', 'weight', 'headers'],
  mesh: [
    'port',
    'adminPort',
    'bindAddress',
    'balancer',
    'ewma',
    'retry',
    'breaker',
    'timeout',
    'propagateDeadline',
    'maxPending',
    'routes',
    'limits',
    'provider',
    'deploy',
    'resources',
  ],
  'mesh.ewma': ['decay', 'defaultRtt'],
  'mesh.retry': ['enabled', 'retryOn', 'maxRetries', 'retryNonIdempotent', 'backoff', 'budget'],
  'mesh.retry.backoff': ['base', 'max'],
  'mesh.retry.budget': ['percent', 'minPerSecond', 'ttl'],
  'mesh.breaker': ['enabled', 'consecutiveFailures', 'backoff'],
  'mesh.breaker.backoff': ['min', 'max', 'jitter'],
  'mesh.routes[]': ['name', 'match', 'subset', 'failClosed'],
  'mesh.routes[].match': ['header', 'value'],
  'mesh.limits': ['maxHeaderBytes', 'headerTimeout', 'idleTimeout'],
  'mesh.resources': ['requests', 'limits'],
  'mesh.resources.requests': ['cpu', 'memory'],
  'mesh.resources.limits': ['cpu', 'memory'],
  ...Object.fromEntries(FAULT_KINDS.map((kind) => [`faults[${kind}]`, [...FAULT_COMMON, ...FAULT_PARAMS[kind]]])),
  ...Object.fromEntries(CONDITION_KINDS.map((kind) => [`conditions[${kind}]`, [...CONDITION_COMMON, ...FAULT_PARAMS[kind]]])),
  gateOptions: ['inconclusive', 'confidence'],
  recovery: ['p99Factor', 'minSuccessRate', 'stable'],
};
