// Why: the topology is the part every other section refers to (entry, call edges, fault
// targets, zones for routes), so it is read first and handed on as a small index.
import { isMap, isScalar, type Node } from 'yaml';
import { DEFAULT_SERVICE } from './defaults.ts';
import { MAX_OPEN_FILES, MAX_RESPONSE_BYTES, MAX_RESPONSE_WHY } from './limits.ts';
import { formatDuration, plural } from './duration.ts';
import { MapReader, readDuration, readHttpUrl, readList, readString, type ReadContext } from './yaml-reader.ts';
import type { CallSpec, Contention, Distribution, ServiceSpec, Topology } from './types.ts';

export const MAX_REPLICAS = 64;
const SERVICE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAME_HINT = 'use at most 63 lowercase letters, digits and "-": it becomes a Kubernetes name and a Host header';

/** What later sections need to check their references. */
export interface TopologyIndex {
  topology: Topology;
  byName: Map<string, ServiceSpec>;
  /** Names whose replica count was read without problems (replica indexes can be checked). */
  validReplicas: Set<string>;
  /** `from->to` for every call edge. */
  edges: Set<string>;
}

const SIMULATION_KEYS = ['replicas', 'serviceTime', 'pool', 'responseBytes', 'calls', 'zones', 'contention'] as const;

export function readTopology(root: MapReader): TopologyIndex {
  const ctx = root.ctx;
  const m = root.child('topology');
  if (!root.has('topology')) ctx.report(m.position, 'topology', 'is required', 'add topology: {services: [...]}');
  const serviceItems = m.list('services');
  if (root.has('topology') && serviceItems.length === 0) {
    ctx.report(m.node('services') ?? m.position, m.pathOf('services'), 'must list at least one service', 'add services: [{name: frontend, serviceTime: 1ms}]');
  }

  const services: ServiceSpec[] = [];
  const nameNodes = new Map<string, Node>();
  const validReplicas = new Set<string>();
  const callNodes: Array<{ from: string; to: string; node: Node; path: string }> = [];
  for (const item of serviceItems) {
    const s = new MapReader(ctx, item.node, item.path, 'topology.services[]', item.node);
    const { service, callRefs } = readService(s);
    const nameNode = s.node('name');
    if (service.name !== '' && nameNodes.has(service.name)) {
      ctx.report(nameNode ?? s.position, s.pathOf('name'), `duplicate service name "${service.name}"`, 'give every service its own name');
    } else if (service.name !== '') {
      nameNodes.set(service.name, nameNode ?? item.node);
      if (ctx.isValid(s.pathOf('replicas'))) validReplicas.add(service.name);
    }
    services.push(service);
    callNodes.push(...callRefs.map((c) => ({ ...c, from: service.name })));
  }

  const byName = new Map(services.filter((s) => s.name !== '').map((s) => [s.name, s]));
  const known = [...byName.keys()];
  const edges = new Set<string>();
  for (const call of callNodes) {
    if (call.to === '') continue;
    if (!byName.has(call.to)) {
      ctx.report(call.node, call.path, `calls "${call.to}", which is not a service in topology.services`, knownHint(call.to, known));
    } else {
      edges.add(`${call.from}->${call.to}`);
    }
  }
  reportCycles(ctx, services, callNodes, byName);

  const entryNode = m.node('entry');
  let entry = services[0]?.name ?? '';
  if (entryNode !== undefined) {
    entry = readString(ctx, entryNode, m.pathOf('entry')) ?? '';
    if (entry !== '' && known.length > 0 && !byName.has(entry)) {
      ctx.report(entryNode, m.pathOf('entry'), `"${entry}" is not a service in topology.services`, knownHint(entry, known));
    }
  }
  return { topology: { entry, services }, byName, validReplicas, edges };
}

export function knownHint(name: string, known: readonly string[]): string {
  const close = known.find((k) => k.toLowerCase() === name.toLowerCase() || k.includes(name) || name.includes(k));
  const list = `services: ${known.join(', ')}`;
  return close === undefined ? list : `did you mean "${close}"? ${list}`;
}

function readService(s: MapReader): { service: ServiceSpec; callRefs: Array<{ to: string; node: Node; path: string }> } {
  const ctx = s.ctx;
  const name = s.requiredString('name', NAME_HINT);
  const nameNode = s.node('name');
  if (name !== '' && !SERVICE_NAME.test(name)) ctx.report(nameNode ?? s.position, s.pathOf('name'), `"${name}" is not a valid service name`, NAME_HINT);

  const externalNode = s.node('external');
  if (externalNode !== undefined) {
    const url = readHttpUrl(ctx, externalNode, s.pathOf('external'));
    for (const key of SIMULATION_KEYS) {
      const node = s.node(key);
      if (node !== undefined) {
        ctx.report(node, s.pathOf(key), 'does not apply to an external service', 'meshbench does not simulate a service you run yourself; remove this key or remove external');
      }
    }
    const service: ServiceSpec = { name, replicas: 1, serviceTime: { kind: 'fixed', ms: 0 }, pool: 1, responseBytes: 0, calls: [], zones: null, external: url ?? '', contention: null };
    return { service, callRefs: [] };
  }

  const zones = readZones(s);
  const replicas = s.number(
    'replicas',
    { integer: true, min: 1, max: MAX_REPLICAS, hint: `run between 1 and ${MAX_REPLICAS} replicas of a service` },
    zones?.length ?? DEFAULT_SERVICE.replicas,
  );
  if (zones !== null && s.has('replicas') && ctx.isValid(s.pathOf('replicas')) && zones.length !== replicas) {
    ctx.report(s.node('zones') ?? s.position, s.pathOf('zones'), `lists ${plural(zones.length, 'zone')} for ${plural(replicas, 'replica')}`, 'give exactly one zone per replica, in replica order');
  }
  const serviceTime = readServiceTime(s);
  const pool = s.number('pool', { integer: true, min: 1, max: MAX_OPEN_FILES, maxWhy: 'each query in the pool holds its request\'s socket, and no Linux process may open more files', hint: 'the pool is the simulated DB connection pool per replica: 1 or more' }, DEFAULT_SERVICE.pool);
  const responseBytes = s.number('responseBytes', { integer: true, min: 0, max: MAX_RESPONSE_BYTES, maxWhy: MAX_RESPONSE_WHY, hint: 'the response body size in bytes, 0 or more' }, DEFAULT_SERVICE.responseBytes);

  const calls: CallSpec[] = [];
  const callRefs: Array<{ to: string; node: Node; path: string }> = [];
  for (const item of s.list('calls')) {
    const call = readCall(s, item.node, item.path);
    calls.push(call.spec);
    callRefs.push({ to: call.spec.service, node: call.serviceNode, path: call.servicePath });
  }
  const contention = readContention(s);
  return { service: { name, replicas, serviceTime, pool, responseBytes, calls, zones, external: null, contention }, callRefs };
}

function readContention(s: MapReader): Contention | null {
  if (!s.has('contention')) return null;
  const c = s.child('contention');
  const hint = 'a duration per query such as 1ms (0ms for none)';
  const contention = {
    perOtherReplicaMs: c.duration('perOtherReplica', { hint }, 0),
    perReplicaPairMs: c.duration('perReplicaPair', { hint }, 0),
  };
  if (c.ctx.isValid(s.pathOf('contention')) && contention.perOtherReplicaMs === 0 && contention.perReplicaPairMs === 0) {
    s.ctx.report(s.node('contention') ?? s.position, s.pathOf('contention'), 'sets no cost', 'give perOtherReplica and/or perReplicaPair a duration above 0, or remove contention');
  }
  return contention;
}

function readZones(s: MapReader): string[] | null {
  const node = s.node('zones');
  if (node === undefined) return null;
  const items = readList(s.ctx, node, s.pathOf('zones'));
  if (items === undefined) return null;
  if (items.length === 0) {
    s.ctx.report(node, s.pathOf('zones'), 'is an empty list', 'list one zone per replica, e.g. [no, de], or remove zones');
    return null;
  }
  if (items.length > MAX_REPLICAS) {
    s.ctx.report(node, s.pathOf('zones'), `lists ${items.length} zones, more than the ${MAX_REPLICAS} replicas allowed`, `run at most ${MAX_REPLICAS} replicas`);
  }
  return items.map((item) => readString(s.ctx, item.node, item.path, 'a zone is a label such as no or de') ?? '');
}

function readServiceTime(s: MapReader): Distribution {
  const fallback: Distribution = { kind: 'fixed', ms: DEFAULT_SERVICE.serviceTimeMs };
  const node = s.node('serviceTime');
  const path = s.pathOf('serviceTime');
  if (node === undefined) return fallback;
  if (!isMap(node)) {
    const ms = readDuration(s.ctx, node, path);
    return ms === undefined ? fallback : { kind: 'fixed', ms };
  }
  const d = s.child('serviceTime');
  const present = (['uniform', 'exponential', 'lognormal'] as const).filter((k) => d.has(k));
  if (present.length !== 1) {
    s.ctx.report(node, path, present.length === 0 ? 'names no distribution' : `names ${present.length} distributions`, 'write serviceTime: 10ms, or exactly one of {uniform: {min, max}}, {exponential: {mean}}, {lognormal: {p50, p99}}');
    return fallback;
  }
  const hint = 'a service time such as 10ms';
  switch (present[0]) {
    case 'uniform': {
      const u = d.child('uniform');
      const minMs = u.requiredDuration('min', {}, hint);
      const maxMs = u.requiredDuration('max', {}, hint);
      if (maxMs < minMs) s.ctx.report(u.node('max') ?? u.position, u.pathOf('max'), `${formatDuration(maxMs)} is below min ${formatDuration(minMs)}`, 'max must be at least min');
      return { kind: 'uniform', minMs, maxMs };
    }
    case 'exponential':
      return { kind: 'exponential', meanMs: d.child('exponential').requiredDuration('mean', { above: 0 }, hint) };
    default: {
      const l = d.child('lognormal');
      const p50Ms = l.requiredDuration('p50', { above: 0 }, hint);
      const p99Ms = l.requiredDuration('p99', { above: 0 }, hint);
      if (p99Ms <= p50Ms) s.ctx.report(l.node('p99') ?? l.position, l.pathOf('p99'), `${formatDuration(p99Ms)} is not above p50 ${formatDuration(p50Ms)}`, 'a lognormal tail needs p99 > p50; for a fixed time write serviceTime: 10ms');
      return { kind: 'lognormal', p50Ms, p99Ms };
    }
  }
}

function readCall(s: MapReader, node: Node, path: string): { spec: CallSpec; serviceNode: Node; servicePath: string } {
  const noRetry = { timeoutMs: null, retries: 0, backoffMs: 0 };
  if (!isMap(node)) {
    const service = isScalar(node) ? (readString(s.ctx, node, path) ?? '') : '';
    if (!isScalar(node)) s.ctx.report(node, path, 'must be a service name or a map', 'write "- user-service" or "- {service: user-service, timeout: 200ms, retries: 3}"');
    return { spec: { service, retry: noRetry }, serviceNode: node, servicePath: path };
  }
  const c = new MapReader(s.ctx, node, path, 'topology.services[].calls[]', node);
  const service = c.requiredString('service', 'name the service called, e.g. service: user-service');
  const retry = {
    timeoutMs: c.durationOrNone('timeout', { above: 0, hint: 'a per-attempt timeout such as 200ms, or none' }),
    retries: c.number('retries', { integer: true, min: 0, max: 100, hint: 'how many times the app retries a failed attempt, e.g. 3' }, 0),
    backoffMs: c.duration('backoff', {}, 0),
  };
  return { spec: { service, retry }, serviceNode: c.node('service') ?? node, servicePath: c.pathOf('service') };
}

/** Every call cycle, reported once at the call that closes it. */
function reportCycles(
  ctx: ReadContext,
  services: readonly ServiceSpec[],
  callNodes: ReadonlyArray<{ from: string; to: string; node: Node; path: string }>,
  byName: ReadonlyMap<string, ServiceSpec>,
): void {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'open');
    stack.push(name);
    for (const call of callNodes) {
      if (call.from !== name || !byName.has(call.to)) continue;
      const seen = state.get(call.to);
      if (seen === 'open') {
        const cycle = [...stack.slice(stack.indexOf(call.to)), call.to].join(' -> ');
        ctx.report(call.node, call.path, `call cycle ${cycle}`, 'a request would never finish; remove one of these calls');
      } else if (seen === undefined) {
        visit(call.to);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const service of services) if (service.name !== '' && !state.has(service.name)) visit(service.name);
}
