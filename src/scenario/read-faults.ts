// Why: conditions (always on: regional jitter, a lossy link, a noisy neighbour) and faults
// (incidents with a start and an end: a DB lock, a kill) are read by one reader, checked against
// the topology (targets, call edges, replica indexes) and the measured duration before anything
// runs, so a typo never leaves a run half-injected. A "fault" that covers the whole measured part
// is refused: it has no before to compare with and no after to recover in, which is what made
// verdicts like "did not recover within 0 s" — it is a condition. Toxic parameters become
// Toxiproxy attributes, in Toxiproxy's own names and units.
import { isMap, isScalar, type Node } from 'yaml';
import { FAULT_KINDS, FAULT_PARAMS } from './accepted-keys.ts';
import { formatDuration, plural } from './duration.ts';
import { MAX_BANDWIDTH_KBPS, MAX_TOXIC_INTEGER } from './limits.ts';
import { knownHint, type TopologyIndex } from './read-topology.ts';
import { describe, MapReader, readEnum, readString, type ReadContext } from './yaml-reader.ts';
import { CONDITION_KINDS, TOXIC_KINDS, type ConditionSpec, type FaultKind, type FaultSpec, type FaultTarget, type Injection, type ToxicKind } from './types.ts';

type Role = 'faults' | 'conditions';

type TargetForm = 'link' | 'service' | 'replica';

const ALLOWED_TARGETS: Readonly<Record<FaultKind, readonly TargetForm[]>> = {
  ...(Object.fromEntries(TOXIC_KINDS.map((k) => [k, ['link']])) as Record<ToxicKind, TargetForm[]>),
  partition: ['link'],
  loss: ['link', 'service', 'replica'],
  'cpu-steal': ['service', 'replica'],
  'noisy-neighbour': ['service', 'replica'],
  'db-lock': ['service'],
  kill: ['service', 'replica'],
  restart: ['service', 'replica'],
};

/** Faults that act on the service's own process, which meshbench only has for simulated services. */
const PROCESS_FAULTS: ReadonlySet<FaultKind> = new Set(['cpu-steal', 'noisy-neighbour', 'db-lock', 'kill', 'restart']);

const TARGET_EXAMPLE: Readonly<Record<TargetForm, string>> = {
  link: 'frontend->user-service',
  service: 'user-service',
  replica: 'user-service#0',
};

export function readFaults(root: MapReader, index: TopologyIndex, measuredMs: number): FaultSpec[] {
  const faults: FaultSpec[] = [];
  for (const item of root.list('faults')) {
    const fault = readFault(root.ctx, item.node, item.path, index, measuredMs);
    if (fault !== undefined) faults.push(fault);
  }
  return faults;
}

export function readConditions(root: MapReader, index: TopologyIndex): ConditionSpec[] {
  const conditions: ConditionSpec[] = [];
  for (const item of root.list('conditions')) {
    const kind = readKind(root.ctx, item.node, item.path, 'conditions');
    if (kind === undefined) continue;
    if (!(CONDITION_KINDS as readonly string[]).includes(kind)) {
      root.ctx.report(
        item.node,
        `${item.path}.kind`,
        `${kind} is an incident with a start and an end, not an always-on condition`,
        `put it under faults: with at and duration; conditions are ${CONDITION_KINDS.join(', ')}`,
      );
      continue;
    }
    const f = injectionReader(root.ctx, item.node, item.path, kind, 'conditions');
    conditions.push(readInjection(f, kind, index) as ConditionSpec);
  }
  return conditions;
}

function injectionReader(ctx: ReadContext, node: Node, path: string, kind: FaultKind, role: Role): MapReader {
  return new MapReader(ctx, node, path, `${role}[${kind}]`, node, (key) => {
    if (role === 'conditions' && (key === 'at' || key === 'duration')) {
      return 'a condition is on for the whole phase (from the start of warmup) and has no at or duration; for an incident with a start and an end, put it under faults:';
    }
    const owners = FAULT_KINDS.filter((k) => FAULT_PARAMS[k].includes(key));
    if (owners.length === 0) return null;
    const own = FAULT_PARAMS[kind].length === 0 ? 'none' : FAULT_PARAMS[kind].join(', ');
    const common = role === 'faults' ? 'kind, target, at, duration, name' : 'kind, target, name';
    return `${key} is a parameter of ${owners.join(', ')} faults; ${kind} takes ${common} and: ${own}`;
  });
}

/** What every injection has: its target, name and kind-specific parameters. */
function readInjection(f: MapReader, kind: FaultKind, index: TopologyIndex): Injection {
  const targetNode = f.required('target', `what it hits: ${ALLOWED_TARGETS[kind].map((t) => TARGET_EXAMPLE[t]).join(' or ')}`);
  const target = targetNode === undefined ? undefined : readTarget(f.ctx, targetNode, f.pathOf('target'), kind, index);
  const targetText = isScalar(targetNode) ? String(targetNode.value) : '';
  const name = f.string('name', `${kind} ${targetText}`.trim());
  return { name, target: target ?? { kind: 'service', service: '', replica: null }, ...readParams(f, kind) } as Injection;
}

function readFault(ctx: ReadContext, node: Node, path: string, index: TopologyIndex, measuredMs: number): FaultSpec | undefined {
  const kind = readKind(ctx, node, path, 'faults');
  if (kind === undefined) return undefined;
  const f = injectionReader(ctx, node, path, kind, 'faults');
  const injection = readInjection(f, kind, index);
  const atMs = f.requiredDuration('at', {}, 'when the fault starts, measured from the end of warmup, e.g. at: 3s');
  const durationMs =
    kind === 'restart'
      ? f.duration('duration', {}, 0)
      : f.requiredDuration('duration', { above: 0 }, 'how long the fault lasts, e.g. duration: 3s');
  const endMs = atMs + durationMs;
  if (endMs > measuredMs) {
    ctx.report(
      f.node('duration') ?? f.node('at') ?? f.position,
      f.pathOf('duration'),
      `the fault ends at ${formatDuration(endMs)}, past the end of the measured part at ${formatDuration(measuredMs)}`,
      'faults must fit inside the measured part: start earlier, shorten it, or lengthen load.duration',
    );
  } else if (coversMeasuredPart(atMs, durationMs, measuredMs)) {
    ctx.report(f.node('duration') ?? f.node('at') ?? f.position, f.pathOf('duration'), coversMessage(atMs, endMs, measuredMs), coversHint(kind));
  }
  return { ...injection, atMs, durationMs } as FaultSpec;
}

/**
 * True when no whole 1 s window of the measured part lies before or after the fault: there is
 * nothing to judge recovery against and no time to recover in.
 */
export function coversMeasuredPart(atMs: number, durationMs: number, measuredMs: number): boolean {
  return durationMs > 0 && atMs < 1000 && atMs + durationMs > measuredMs - 1000;
}

export function coversMessage(atMs: number, endMs: number, measuredMs: number): string {
  return `the fault runs ${formatDuration(atMs)} – ${formatDuration(endMs)}, covering the whole measured part (${formatDuration(measuredMs)}): nothing is measured before it to compare with, nor after it to recover in`;
}

export function coversHint(kind: FaultKind): string {
  const incident = 'if it is an incident, start it later or end it earlier so whole seconds before and after it are measured';
  return (CONDITION_KINDS as readonly string[]).includes(kind)
    ? `if it is meant to be on all the time, move it to conditions: (without at and duration) — it is then on from the start of warmup and part of the steady state; ${incident}`
    : incident;
}

function readKind(ctx: ReadContext, node: Node, path: string, role: Role): FaultKind | undefined {
  const kinds = role === 'faults' ? FAULT_KINDS : CONDITION_KINDS;
  const hint = `what to inject, one of: ${kinds.join(', ')}`;
  if (!isMap(node)) {
    const shape = role === 'faults' ? '{kind, target, at, duration}' : '{kind, target}';
    ctx.report(node, path, `must be a map, found ${describe(node)}`, `write ${shape}; kind is ${hint}`);
    return undefined;
  }
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === 'kind');
  const kindNode = ctx.resolve(pair?.value);
  if (kindNode === undefined) {
    ctx.report(node, `${path}.kind`, 'is required', hint);
    return undefined;
  }
  return readEnum(ctx, kindNode, `${path}.kind`, FAULT_KINDS, 'fault kind');
}

/** Kind-specific fields; toxics become Toxiproxy attributes. */
function readParams(f: MapReader, kind: FaultKind): object {
  const percentRule = { above: 0, max: 100, hint: 'a percentage above 0 and up to 100, e.g. 5' };
  switch (kind) {
    case 'loss':
      return { kind, percent: f.requiredNumber('percent', percentRule), allowEmulation: f.bool('allowEmulation', false) };
    case 'partition':
      return { kind, allowEmulation: f.bool('allowEmulation', false) };
    case 'cpu-steal':
      return {
        kind,
        percent: f.requiredNumber('percent', { ...percentRule, max: 99, hint: 'the share of each period the process is frozen, e.g. 20' }),
        periodMs: f.duration('period', { above: 0 }, 100),
      };
    case 'noisy-neighbour':
      return { kind, hogs: f.number('hogs', { integer: true, min: 1, max: 64, hint: 'how many CPU-burning processes to start, e.g. 1' }, 1) };
    case 'db-lock':
    case 'kill':
    case 'restart':
      return { kind };
    default:
      return {
        kind,
        attributes: readToxicAttributes(f, kind),
        toxicity: f.number('toxicity', { min: 0, max: 1, hint: 'the fraction of connections affected, 0–1' }, 1),
        stream: f.oneOf('stream', ['downstream', 'upstream'] as const, 'downstream'),
      };
  }
}

function readToxicAttributes(f: MapReader, kind: ToxicKind): Record<string, number> {
  const bytes = (min: number, hint: string) => ({ integer: true, min, max: MAX_TOXIC_INTEGER, maxWhy: 'Toxiproxy attributes are integers JavaScript keeps exact only up to 2^53 − 1', hint });
  switch (kind) {
    case 'latency':
      return {
        latency: f.requiredDuration('latency', {}, 'the added delay, e.g. latency: 25ms'),
        jitter: f.duration('jitter', {}, 0),
      };
    case 'bandwidth':
      return { rate: f.requiredNumber('rate', { integer: true, min: 0, max: MAX_BANDWIDTH_KBPS, maxWhy: 'loopback moves a few GB/s at most: a limit above 10 GB/s shapes nothing', hint: 'the bandwidth in KB/s, e.g. rate: 100' }) };
    case 'slow_close':
      return { delay: f.requiredDuration('delay', {}, 'how long to delay closing, e.g. delay: 500ms') };
    case 'timeout':
    case 'reset_peer':
      return { timeout: f.duration('timeout', {}, 0) };
    case 'slicer': {
      const averageSize = f.requiredNumber('averageSize', bytes(1, 'the average slice in bytes, e.g. 64'));
      const sizeVariation = f.number('sizeVariation', bytes(0, 'the spread of slice sizes in bytes, at most averageSize'), 0);
      if (sizeVariation > averageSize) {
        f.ctx.report(f.node('sizeVariation') ?? f.position, f.pathOf('sizeVariation'), 'is above averageSize', 'a real toxiproxy-server crashes slicing with sizeVariation > averageSize; use at most averageSize');
      }
      // Toxiproxy's slicer delay is in microseconds.
      return { average_size: averageSize, size_variation: sizeVariation, delay: Math.round(f.duration('delay', {}, 0) * 1_000) };
    }
    case 'limit_data':
      return { bytes: f.requiredNumber('bytes', bytes(0, 'bytes let through before the connection closes')) };
  }
}

function readTarget(ctx: ReadContext, node: Node, path: string, kind: FaultKind, index: TopologyIndex): FaultTarget | undefined {
  const text = readString(ctx, node, path, 'write e.g. user-service, user-service#0 or frontend->user-service');
  if (text === undefined) return undefined;
  const allowed = ALLOWED_TARGETS[kind];
  const known = [...index.byName.keys()];
  const form: TargetForm = text.includes('->') ? 'link' : text.includes('#') ? 'replica' : 'service';
  if (!allowed.includes(form)) {
    ctx.report(node, path, `a ${kind} fault cannot target a ${form}`, `target ${allowed.map((t) => `a ${t} such as ${TARGET_EXAMPLE[t]}`).join(', or ')}`);
    return undefined;
  }

  if (form === 'link') {
    const [from = '', to = ''] = text.split('->').map((s) => s.trim());
    for (const name of [from, to]) {
      if (!index.byName.has(name)) {
        ctx.report(node, path, `"${name}" is not a service in topology.services`, knownHint(name, known));
        return undefined;
      }
    }
    if (!index.edges.has(`${from}->${to}`)) {
      const edges = index.edges.size === 0 ? 'the topology has no calls' : `call edges: ${[...index.edges].join(', ')}`;
      ctx.report(node, path, `${from} does not call ${to}`, `a link target must be an existing call; ${edges}`);
      return undefined;
    }
    return { kind: 'link', from, to };
  }

  const [service = '', replicaText] = text.split('#').map((s) => s.trim());
  const spec = index.byName.get(service);
  if (spec === undefined) {
    ctx.report(node, path, `"${service}" is not a service in topology.services`, knownHint(service, known));
    return undefined;
  }
  if (PROCESS_FAULTS.has(kind) && spec.external !== null) {
    ctx.report(node, path, `${service} is external: meshbench does not run its process`, `a ${kind} fault needs a simulated service; target a link to it instead where the kind allows`);
    return undefined;
  }
  if (replicaText === undefined) return { kind: 'service', service, replica: null };
  const replica = /^\d+$/.test(replicaText) ? Number(replicaText) : Number.NaN;
  if (!Number.isInteger(replica)) {
    ctx.report(node, path, `"#${replicaText}" is not a replica index`, `write ${service}#0 for the first replica`);
    return undefined;
  }
  if (index.validReplicas.has(service) && replica >= spec.replicas) {
    ctx.report(node, path, `${service} has ${plural(spec.replicas, 'replica')}, so #${replica} does not exist`, `replica indexes start at 0: use ${service}#0 … ${service}#${spec.replicas - 1}`);
    return undefined;
  }
  return { kind: 'service', service, replica };
}
