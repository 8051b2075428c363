// Why: the generator's send lateness is the floor under every latency a run reports, and on a
// shared CPU the proxy and the services wake it late. Which CPUs each part gets is a decision of
// its own — pure, from the CPUs this process may use and the mode asked for — so it is tested
// without a machine of every size; reading /proc and running `taskset` happen at the edge
// (cpu-affinity.ts).
import { badInput, environmentError } from '../core/errors.ts';

export const CPU_PINNING_MODES = ['auto', 'on', 'off'] as const;
export type CpuPinningMode = (typeof CPU_PINNING_MODES)[number];

/** The CPUs (ids as the kernel numbers them) each part of a run is held to. */
export interface CpuPlan {
  generator: number[];
  proxy: number[];
  /** The synthetic services, with what runs beside them (the bundled Toxiproxy, CPU hogs). */
  services: number[];
}

export interface CpuPinningDecision {
  /** null: nothing is pinned. */
  plan: CpuPlan | null;
  /** One line: the plan, or why there is none. */
  reason: string;
}

/** Below this many CPUs `auto` leaves everything unpinned (see planCpuPinning). */
export const AUTO_MIN_CPUS = 4;

/** The value of `--cpu-pinning` (or another field named `flag`), checked. */
export function parseCpuPinningMode(text: string, flag = '--cpu-pinning'): CpuPinningMode {
  if ((CPU_PINNING_MODES as readonly string[]).includes(text)) return text as CpuPinningMode;
  throw badInput(
    'E_FLAG',
    `${flag} must be one of ${CPU_PINNING_MODES.join(', ')}, got "${text}"`,
    `For example ${flag} on (pin on any machine with 2 CPUs or more), ${flag} off (never pin), or leave it out for auto (pin from ${AUTO_MIN_CPUS} CPUs)`,
  );
}

/**
 * A kernel CPU list — "0-1", "0,2-5", "3" — as sorted, distinct CPU ids. `field` names where the
 * text came from in the error.
 */
export function parseCpuList(text: string, field = 'Cpus_allowed_list'): number[] {
  const fix = 'A CPU list is ids and ranges separated by commas, e.g. "0-1" or "0,2-5".';
  const trimmed = text.trim();
  if (trimmed === '') throw environmentError('E_CPU_LIST', `${field} is empty`, fix);
  const cpus = new Set<number>();
  for (const part of trimmed.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw environmentError('E_CPU_LIST', `${field} "${trimmed}" is not a CPU list: "${part}" is neither a CPU id nor a range`, fix);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw environmentError('E_CPU_LIST', `${field} "${trimmed}" is not a CPU list: the range "${part}" runs backwards`, fix);
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The CPUs this process may run on, from the text of /proc/<pid>/status. */
export function allowedCpusFromStatus(status: string): number[] {
  const m = /^Cpus_allowed_list:[ \t]*(.*)$/m.exec(status);
  if (!m) throw environmentError('E_CPU_LIST', 'the process status has no Cpus_allowed_list line', 'Run with --cpu-pinning off on a system without it.');
  return parseCpuList(m[1]!);
}

/** CPU ids in the kernel's and taskset's list form, ranges folded: [0, 2, 3, 4, 7] → "0,2-4,7". */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function describePlan(plan: CpuPlan): string {
  const generator = `generator on cpu ${formatCpuList(plan.generator)}`;
  const proxy = formatCpuList(plan.proxy);
  const services = formatCpuList(plan.services);
  return proxy === services ? `${generator}, proxy and services sharing cpu ${proxy}` : `${generator}, proxy on cpu ${proxy}, services on cpu ${services}`;
}

/**
 * Which CPUs the generator, the proxy and the services get. `auto` pins only from 4 CPUs: the
 * generator gets one, the proxy one, the services the rest — with fewer, holding the proxy and
 * the services to a single core changes the system being measured. `on` pins from 2 CPUs: the
 * generator gets the first, the proxy and the services share the second (on 2) or get one each
 * (on 3). `off` never pins.
 */
export function planCpuPinning(allowed: readonly number[], mode: CpuPinningMode): CpuPinningDecision {
  const cpus = [...new Set(allowed)].sort((a, b) => a - b);
  const count = `${cpus.length} CPU${cpus.length === 1 ? '' : 's'} (${formatCpuList(cpus) || 'none'})`;
  if (mode === 'off') return { plan: null, reason: 'off: nothing pinned, as asked' };
  if (mode === 'auto' && cpus.length < AUTO_MIN_CPUS) {
    return {
      plan: null,
      reason: `auto: ${count}, fewer than ${AUTO_MIN_CPUS} — one core for the proxy and the services would change the system being measured, so nothing is pinned (--cpu-pinning on pins anyway)`,
    };
  }
  if (cpus.length < 2) return { plan: null, reason: `${mode}: only ${count} — nothing to separate, so nothing is pinned` };
  const [generator, proxy, ...rest] = cpus as [number, number, ...number[]];
  const plan: CpuPlan = { generator: [generator], proxy: [proxy], services: rest.length > 0 ? rest : [proxy] };
  return { plan, reason: `${mode}: ${count}: ${describePlan(plan)}` };
}
