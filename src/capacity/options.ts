// Why: `meshbench capacity` takes a dozen flags typed by hand; each is checked here with the same
// care as a scenario field — a missing unit, an impossible node, a replica list that cannot be
// fitted — and refused with the flag, the problem and a fix (exit 2), before anything starts.
import { badInput } from '../core/errors.ts';
import { parseDuration } from '../scenario/duration.ts';
import { MAX_REPLICAS } from '../scenario/read-topology.ts';
import type { ProxyModel } from './plan.ts';

/** Defaults, chosen for the 2-core machine meshbench is developed on: see README "Capacity". */
export const CAPACITY_DEFAULTS = {
  headroom: '30%',
  /** A common 4 vCPU / 16 GiB node. */
  nodeCores: '4',
  nodeMemory: '16Gi',
  /** Kubernetes' default kubelet limit. */
  maxPodsPerNode: '110',
  proxyModel: 'daemonset' as ProxyModel,
  /** Three counts: the largest is held out, the other two fit the model that predicts it. */
  replicas: '1,2,3',
  step: '2s',
  warmup: '1s',
  probe: '3s',
  resolution: '5%',
  /** What one generator process drives reliably beside a proxy on 2 cores. */
  maxRps: '4000',
  minRps: 5,
} as const;

function flagError(flag: string, problem: string, hint: string) {
  return badInput('E_FLAG', `${flag}: ${problem}`, hint);
}

export function parseNumberFlag(flag: string, text: string, range: { min: number; max: number; integer?: boolean }, example: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw flagError(flag, `"${text}" is not a number`, `for example ${flag} ${example}`);
  if (range.integer && !Number.isInteger(n)) throw flagError(flag, `${text} is not a whole number`, `for example ${flag} ${example}`);
  if (n < range.min || n > range.max) throw flagError(flag, `${text} is outside ${range.min}–${range.max}`, `for example ${flag} ${example}`);
  return n;
}

/** "30%" → 0.3; a bare number is refused, since 30 could mean 30 % or 30×. */
export function parsePercentFlag(flag: string, text: string, range: { min: number; max: number }, example: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.exec(text);
  if (!m) throw flagError(flag, `"${text}" is not a percentage`, `write it with %, e.g. ${flag} ${example}`);
  const pct = Number(m[1]);
  if (pct < range.min || pct > range.max) throw flagError(flag, `${pct} % is outside ${range.min}–${range.max} %`, `for example ${flag} ${example}`);
  return pct / 100;
}

const MEMORY_UNITS: Record<string, number> = {
  ki: 1 / 1024,
  kib: 1 / 1024,
  mi: 1,
  mib: 1,
  gi: 1024,
  gib: 1024,
  ti: 1024 * 1024,
  tib: 1024 * 1024,
  k: 1e3 / 2 ** 20,
  kb: 1e3 / 2 ** 20,
  m: 1e6 / 2 ** 20,
  mb: 1e6 / 2 ** 20,
  g: 1e9 / 2 ** 20,
  gb: 1e9 / 2 ** 20,
  t: 1e12 / 2 ** 20,
  tb: 1e12 / 2 ** 20,
};

/** Node sizes a plan accepts; outside them a size is a typo, not a node. */
export const NODE_LIMITS = { minCores: 0.25, maxCores: 1024, minMemoryMiB: 256, maxMemoryMiB: 64 * 1024 * 1024 };

/** A memory size with its unit, Kubernetes style (16Gi, 512Mi) or decimal (16G), in MiB. */
export function parseMemoryFlag(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-z]+)?\s*$/.exec(text);
  const unit = m?.[2]?.toLowerCase();
  if (!m || unit === undefined || MEMORY_UNITS[unit] === undefined) {
    throw flagError(flag, `"${text}" is not a memory size with a unit`, `write e.g. ${flag} 16Gi (units Mi, Gi, Ti or M, G, T)`);
  }
  const mib = Number(m[1]) * MEMORY_UNITS[unit]!;
  if (mib < NODE_LIMITS.minMemoryMiB || mib > NODE_LIMITS.maxMemoryMiB) {
    throw flagError(flag, `${text} is not a node's memory (${NODE_LIMITS.minMemoryMiB} MiB to 64 TiB)`, `give the node's allocatable memory, e.g. ${flag} 16Gi`);
  }
  return mib;
}

export function parseCoresFlag(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw flagError(flag, `"${text}" is not a number of cores`, `e.g. ${flag} 4`);
  if (n < NODE_LIMITS.minCores || n > NODE_LIMITS.maxCores) {
    throw flagError(flag, `${text} cores is not a node (${NODE_LIMITS.minCores} to ${NODE_LIMITS.maxCores})`, `give the node's allocatable CPUs, e.g. ${flag} 4`);
  }
  return n;
}

/** "1,2,4" → [1, 2, 4]: distinct replica counts, at least two (one to fit, one to check). */
export function parseReplicasFlag(flag: string, text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const counts = parts.map((p) => Number(p));
  const bad = parts.find((p, i) => p === '' || !Number.isInteger(counts[i]) || counts[i]! < 1 || counts[i]! > MAX_REPLICAS);
  if (bad !== undefined) throw flagError(flag, `"${bad}" is not a replica count from 1 to ${MAX_REPLICAS}`, `list counts separated by commas, e.g. ${flag} 1,2,4`);
  const distinct = [...new Set(counts)].sort((a, b) => a - b);
  if (distinct.length !== counts.length) throw flagError(flag, 'lists a count twice', `list each count once, e.g. ${flag} 1,2,4`);
  if (distinct.length < 2 || distinct.length > 8) {
    throw flagError(flag, `${distinct.length} count(s); a fit needs at least two and a sweep of more than eight takes too long`, `e.g. ${flag} 1,2,3,4`);
  }
  return distinct;
}

/** A duration flag in seconds, within [minS, maxS]. */
export function parseSecondsFlag(flag: string, text: string, range: { minS: number; maxS: number }, example: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw flagError(flag, `"${text}" is not a duration with a unit`, `e.g. ${flag} ${example}`);
  const s = ms / 1000;
  if (s < range.minS || s > range.maxS) throw flagError(flag, `${text} is outside ${range.minS}–${range.maxS} s`, `e.g. ${flag} ${example}`);
  return s;
}

export function parseProxyModelFlag(flag: string, text: string): ProxyModel {
  if (text === 'daemonset' || text === 'sidecar') return text;
  throw flagError(flag, `"${text}" is not a proxy model`, `${flag} daemonset (one proxy per node, as Linkerd 1) or ${flag} sidecar (one per pod)`);
}
