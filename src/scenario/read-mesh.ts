// Why: mesh settings are the proxy's whole configuration; anything left out takes the
// Linkerd/Finagle defaults in DEFAULT_MESH, so a scenario only states what it changes.
import { isIP } from 'node:net';
import { DEFAULT_MESH, DEFAULT_MESH_DEPLOYMENT } from './defaults.ts';
import { MAX_HEADER_BYTES, MAX_OPEN_FILES, MAX_RATE, MAX_RATE_WHY } from './limits.ts';
import { cpuMillicores, memoryBytes } from './quantity.ts';
import { checkHeaderName } from './read-load.ts';
import { MapReader, readList, readNumber, readString, readTextMap } from './yaml-reader.ts';
import type { BalancerKind, ContainerResources, ResourceAmounts, MeshConfig, MeshDeployment, MeshProvider, ProxyDeployMode, RouteSpec } from './types.ts';

const BALANCERS: readonly BalancerKind[] = ['p2c-ewma', 'least-pending', 'round-robin'];
const PROVIDERS: readonly MeshProvider[] = ['bundled', 'linkerd', 'istio'];
const DEPLOY_MODES: readonly ProxyDeployMode[] = ['daemonset', 'sidecar'];
/** Labels an endpoint carries; `zone` comes from a service's `zones`. */
export const ENDPOINT_LABELS = ['zone'] as const;

export function readMesh(m: MapReader, zones: ReadonlySet<string>): MeshConfig {
  const ctx = m.ctx;
  const d = DEFAULT_MESH;
  const portRule = { integer: true, min: 0, max: 65_535, hint: 'a TCP port 1–65535, or 0 for any free port' };
  const port = m.number('port', portRule, d.port);
  const adminPort = m.number('adminPort', portRule, d.adminPort);
  if (port !== 0 && port === adminPort) {
    const key = m.has('adminPort') ? 'adminPort' : 'port';
    ctx.report(m.node(key) ?? m.position, m.pathOf(key), `router and admin would both use port ${port}`, 'give mesh.port and mesh.adminPort different ports');
  }
  const bindAddress = m.string('bindAddress', d.bindAddress);
  if (isIP(bindAddress) === 0) {
    ctx.report(m.node('bindAddress') ?? m.position, m.pathOf('bindAddress'), `"${bindAddress}" is not an IP address`, 'write an address such as 127.0.0.1');
  }

  const ewma = m.child('ewma');
  const r = m.child('retry');
  const retryBackoff = r.child('backoff');
  const budget = r.child('budget');
  const breaker = m.child('breaker');
  const breakerBackoff = breaker.child('backoff');
  const limits = m.child('limits');

  const backoff = {
    baseMs: retryBackoff.duration('base', {}, d.retry.backoff.baseMs),
    maxMs: retryBackoff.duration('max', {}, d.retry.backoff.maxMs),
  };
  if (backoff.maxMs < backoff.baseMs) {
    ctx.report(retryBackoff.node('max') ?? retryBackoff.position, retryBackoff.pathOf('max'), 'is below the base backoff', 'max must be at least base');
  }
  const breakerWait = {
    minMs: breakerBackoff.duration('min', { above: 0 }, d.breaker.backoff.minMs),
    maxMs: breakerBackoff.duration('max', { above: 0 }, d.breaker.backoff.maxMs),
    jitter: breakerBackoff.number('jitter', { min: 0, max: 1, hint: 'a fraction 0–1 of the wait, e.g. 0.5' }, d.breaker.backoff.jitter),
  };
  if (breakerWait.maxMs < breakerWait.minMs) {
    ctx.report(breakerBackoff.node('max') ?? breakerBackoff.position, breakerBackoff.pathOf('max'), 'is below the minimum backoff', 'max must be at least min');
  }

  return {
    port,
    adminPort,
    bindAddress,
    balancer: m.oneOf('balancer', BALANCERS, d.balancer),
    ewma: {
      decayMs: ewma.duration('decay', { above: 0 }, d.ewma.decayMs),
      defaultRttMs: ewma.duration('defaultRtt', { above: 0 }, d.ewma.defaultRttMs),
    },
    retry: {
      enabled: r.bool('enabled', d.retry.enabled),
      retryOn: readRetryOn(r),
      maxRetries: r.number('maxRetries', { integer: true, min: 0, max: 100, hint: 'retries per request, e.g. 3; the budget still caps them' }, d.retry.maxRetries),
      retryNonIdempotent: r.bool('retryNonIdempotent', d.retry.retryNonIdempotent),
      backoff,
      budget: {
        percentCanRetry: budget.number('percent', { min: 0, max: 100, hint: 'retries as a percentage of requests, 0–100, e.g. 20' }, d.retry.budget.percentCanRetry * 100) / 100,
        minRetriesPerSec: budget.number('minPerSecond', { min: 0, max: MAX_RATE, maxWhy: `no more retries can be needed than requests are sent: ${MAX_RATE_WHY}`, hint: 'retries always allowed per second, e.g. 10' }, d.retry.budget.minRetriesPerSec),
        ttlMs: budget.duration('ttl', { above: 0, hint: 'the window the budget counts over, e.g. 10s' }, d.retry.budget.ttlMs),
      },
    },
    breaker: {
      enabled: breaker.bool('enabled', d.breaker.enabled),
      consecutiveFailures: breaker.number('consecutiveFailures', { integer: true, min: 1, max: MAX_RATE, maxWhy: `more failures in a row than one second of load at the most (${MAX_RATE_WHY}) would never open the breaker in a run`, hint: 'failures in a row that open the breaker, e.g. 5' }, d.breaker.consecutiveFailures),
      backoff: breakerWait,
    },
    timeoutMs: m.durationOrNone('timeout', { above: 0, hint: 'a total per-request timeout such as 1s, or none' }),
    propagateDeadline: m.bool('propagateDeadline', d.propagateDeadline),
    maxPending: !m.has('maxPending') ? d.maxPending : m.numberOrNone('maxPending', { integer: true, min: 1, max: MAX_OPEN_FILES, maxWhy: 'each pending request holds an upstream socket, and no Linux process may open more files', hint: 'pending requests per destination before shedding with 503' }),
    routes: readRoutes(m, zones),
    limits: {
      maxHeaderBytes: limits.number('maxHeaderBytes', { integer: true, min: 1_024, max: MAX_HEADER_BYTES, maxWhy: 'the proxy holds up to this much per connection while headers arrive; past 1 MiB a few slow clients hold too much memory', hint: 'the largest request head accepted, at least 1024 bytes' }, d.limits.maxHeaderBytes),
      headerTimeoutMs: limits.duration('headerTimeout', { above: 0 }, d.limits.headerTimeoutMs),
      idleTimeoutMs: limits.duration('idleTimeout', { above: 0 }, d.limits.idleTimeoutMs),
    },
  };
}

function readRetryOn(r: MapReader): number[] {
  const node = r.node('retryOn');
  if (node === undefined) return [...DEFAULT_MESH.retry.retryOn];
  const items = readList(r.ctx, node, r.pathOf('retryOn')) ?? [];
  const rule = { integer: true, min: 100, max: 599, hint: 'an HTTP status code such as 503' };
  return items.map((item) => readNumber(r.ctx, item.node, item.path, rule) ?? 0);
}

function readRoutes(m: MapReader, zones: ReadonlySet<string>): RouteSpec[] {
  const ctx = m.ctx;
  const names = new Set<string>();
  return m.list('routes').map((item) => {
    const r = new MapReader(ctx, item.node, item.path, 'mesh.routes[]', item.node);
    const match = r.child('match');
    if (!r.has('match')) ctx.report(r.position, r.pathOf('match'), 'is required', 'add match: {header: x-data-class, value: sensitive-norway}');
    const header = r.has('match') ? match.requiredString('header', 'the request header to match, e.g. x-data-class').toLowerCase() : '';
    const headerNode = match.node('header');
    if (headerNode !== undefined && header !== '') checkHeaderName(m)(header, headerNode, match.pathOf('header'));
    const valueNode = match.node('value');
    const value = valueNode === undefined ? null : (readString(ctx, valueNode, match.pathOf('value')) ?? null);

    const name = r.string('name', value === null ? header : `${header}=${value}`);
    if (names.has(name)) ctx.report(r.node('name') ?? r.position, r.pathOf('name'), `duplicate route name "${name}"`, 'give every route its own name');
    names.add(name);

    const subsetNode = r.required('subset', 'the labels an endpoint must carry, e.g. subset: {zone: no}');
    const subset = subsetNode === undefined ? {} : (readTextMap(ctx, subsetNode, r.pathOf('subset'), (key, keyNode, keyPath) => {
      if (!(ENDPOINT_LABELS as readonly string[]).includes(key)) {
        ctx.report(keyNode, keyPath, `endpoints have no label "${key}"`, `known labels: ${ENDPOINT_LABELS.join(', ')}`);
      }
    }) ?? {});
    if (subsetNode !== undefined && Object.keys(subset).length === 0 && ctx.isValid(r.pathOf('subset'))) {
      ctx.report(subsetNode, r.pathOf('subset'), 'names no label', 'a route restricts where requests go: add e.g. zone: no');
    }
    const zone = subset.zone;
    if (zone !== undefined && !zones.has(zone)) {
      const known = zones.size === 0 ? 'no service sets zones' : `zones in the topology: ${[...zones].join(', ')}`;
      ctx.report(subsetNode ?? r.position, `${r.pathOf('subset')}.zone`, `no replica is in zone "${zone}"`, `set zones on a service, one per replica, or pick an existing zone; ${known}`);
    }
    return { name, match: { header, value }, subset, failClosed: r.bool('failClosed', true) };
  });
}

/**
 * Which mesh the meshed arm runs and how the bundled proxy is deployed in a cluster. Every
 * other `mesh:` key configures the bundled proxy, so with linkerd or istio it would be ignored
 * silently — it is an error instead, so a result never claims settings that did not run.
 */
export function readMeshDeployment(m: MapReader): MeshDeployment {
  const d = DEFAULT_MESH_DEPLOYMENT;
  const provider = m.oneOf('provider', PROVIDERS, d.provider);
  if (provider !== 'bundled') {
    for (const key of m.presentKeys()) {
      if (key === 'provider') continue;
      m.ctx.report(
        m.node(key)!,
        m.pathOf(key),
        `configures the bundled proxy, which does not run with provider ${provider}`,
        `remove it and configure ${provider} itself (its retries, timeouts and load balancing apply to the meshed arm)`,
      );
    }
  }
  return { provider, deploy: m.oneOf('deploy', DEPLOY_MODES, d.deploy), resources: readResources(m.child('resources'), d.resources) };
}

/** A {cpu, memory} map of Kubernetes quantities; a value that is not one is reported with a hint. */
export function readResourceAmounts(m: MapReader, d: ResourceAmounts): ResourceAmounts {
  const cpuHint = 'a CPU quantity such as 200m or 0.5';
  const memoryHint = 'a memory quantity such as 256Mi or 1Gi';
  const read = (key: 'cpu' | 'memory', fallback: string): string => {
    const text = m.string(key, fallback, key === 'cpu' ? cpuHint : memoryHint);
    const value = key === 'cpu' ? cpuMillicores(text) : memoryBytes(text);
    if (value === null || value === 0) m.ctx.report(m.node(key) ?? m.position, m.pathOf(key), `"${text}" is not a ${key} quantity`, key === 'cpu' ? cpuHint : memoryHint);
    return text;
  };
  return { cpu: read('cpu', d.cpu), memory: read('memory', d.memory) };
}

function readResources(r: MapReader, d: ContainerResources): ContainerResources {
  const requests = r.child('requests');
  const limits = r.child('limits');
  const out: ContainerResources = { requests: readResourceAmounts(requests, d.requests), limits: readResourceAmounts(limits, d.limits) };
  for (const key of ['cpu', 'memory'] as const) {
    const amount = key === 'cpu' ? cpuMillicores : memoryBytes;
    const request = amount(out.requests[key]);
    const limit = amount(out.limits[key]);
    if (request !== null && limit !== null && request > limit) {
      const at = requests.node(key) ? requests : limits;
      r.ctx.report(at.node(key) ?? r.position, at.pathOf(key), `the ${key} request ${out.requests[key]} is above its limit ${out.limits[key]}`, 'Kubernetes refuses a request above the limit: raise the limit or lower the request');
    }
  }
  return out;
}
