// Why: some faults cannot overlap on one target. Two kills of the same replica race their
// restarts (the later one fails with EADDRINUSE, seen only in result.json, and the run exits 0);
// two db-locks of one service stack silently. Such a timeline is refused before the run, with
// both faults named. Pure: the faults as read, and where each came from in the file.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { FAULT_KINDS } from './accepted-keys.ts';
import { formatDuration } from './duration.ts';
import type { MapReader, ReadContext } from './yaml-reader.ts';
import type { FaultKind, FaultSpec } from './types.ts';

/** Kinds that conflict with each other on an overlapping target and time, and why. */
const FAMILIES: ReadonlyArray<{ kinds: ReadonlySet<FaultKind>; why: string }> = [
  {
    kinds: new Set(['kill', 'restart']),
    why: 'one replica can only be killed and restarted once at a time: the second restart would find its port taken (EADDRINUSE)',
  },
  {
    kinds: new Set(['db-lock']),
    why: "a service's table is either locked or not: overlapping locks would stack silently into one longer lock",
  },
];

interface Placed {
  fault: FaultSpec;
  path: string;
  node: Node;
}

/** The replicas a fault acts on: a service's name, and one index or every replica (null). */
function replicasOf(fault: FaultSpec): { service: string; replica: number | null } | null {
  return fault.target.kind === 'service' ? { service: fault.target.service, replica: fault.target.replica } : null;
}

function sameReplicas(a: FaultSpec, b: FaultSpec): boolean {
  const ra = replicasOf(a);
  const rb = replicasOf(b);
  if (ra === null || rb === null || ra.service !== rb.service) return false;
  return ra.replica === null || rb.replica === null || ra.replica === rb.replica;
}

/** Closed intervals: a kill that ends (restarts) at the instant another starts still races it. */
function sameTime(a: FaultSpec, b: FaultSpec): boolean {
  return a.atMs <= b.atMs + b.durationMs && b.atMs <= a.atMs + a.durationMs;
}

function label(fault: FaultSpec): string {
  return `"${fault.name}" (${formatDuration(fault.atMs)}–${formatDuration(fault.atMs + fault.durationMs)})`;
}

/** The fault items that became faults (those with a known kind), in order, with their place in the file. */
function placed(ctx: ReadContext, root: MapReader, faults: readonly FaultSpec[]): Placed[] {
  const node = root.node('faults');
  const items = node !== undefined && isSeq(node) ? node.items : [];
  const out: Placed[] = [];
  let next = 0;
  items.forEach((raw, i) => {
    const item = ctx.resolve(raw);
    if (item === undefined || !isMap(item)) return;
    const kind = ctx.resolve(item.items.find((p) => isScalar(p.key) && p.key.value === 'kind')?.value);
    if (kind === undefined || !isScalar(kind) || !(FAULT_KINDS as readonly unknown[]).includes(kind.value)) return;
    const fault = faults[next++];
    if (fault !== undefined) out.push({ fault, path: `faults[${i}]`, node: item });
  });
  return out;
}

/** Reports each fault that overlaps an earlier one of its family on the same replicas. */
export function reportFaultOverlaps(ctx: ReadContext, root: MapReader, faults: readonly FaultSpec[]): void {
  const list = placed(ctx, root, faults).filter((p) => ctx.isValid(p.path));
  list.forEach((later, i) => {
    const family = FAMILIES.find((f) => f.kinds.has(later.fault.kind));
    if (family === undefined) return;
    const earlier = list.slice(0, i).find((e) => family.kinds.has(e.fault.kind) && sameReplicas(e.fault, later.fault) && sameTime(e.fault, later.fault));
    if (earlier === undefined) return;
    const at = isMap(later.node) ? (later.node.items.find((p) => isScalar(p.key) && p.key.value === 'at')?.value as Node | undefined) : undefined;
    ctx.report(
      at ?? later.node,
      `${later.path}.at`,
      `${label(later.fault)} overlaps ${earlier.path} ${label(earlier.fault)} on the same target`,
      `${family.why}; start this fault after the other ends, or target another replica`,
    );
  });
}
