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
