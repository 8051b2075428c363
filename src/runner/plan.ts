// Why: arms alternate (A B A B …) so drift of the machine over the run hits every arm alike
// (DESIGN.md §6). The order is decided here, once, as data.
import type { ArmName } from '../scenario/types.ts';

export interface PhasePlan {
  arm: ArmName;
  repeat: number;
}

export function planPhases(arms: readonly ArmName[], repeats: number): PhasePlan[] {
  const phases: PhasePlan[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const arm of arms) phases.push({ arm, repeat });
  }
  return phases;
}

/** Topological order of services such that every callee comes before its callers. */
export function calleesFirst<T extends { name: string; calls: Array<{ service: string }> }>(services: T[]): T[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const order: T[] = [];
  const visit = (s: T, path: string[]) => {
    if (done.has(s.name)) return;
    if (path.includes(s.name)) throw new Error(`call cycle: ${[...path, s.name].join(' -> ')}`);
    for (const call of s.calls) {
      const callee = byName.get(call.service);
      if (callee) visit(callee, [...path, s.name]);
    }
    done.add(s.name);
    order.push(s);
  };
  for (const s of services) visit(s, []);
  return order;
}
