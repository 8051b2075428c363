// Why: conditions are injected by the same machinery as faults, with a window that covers the
// whole phase. Whatever prepares for injections (Toxiproxy link proxies, capability checks)
// looks at both through this one list.
import type { ConditionSpec, FaultSpec, Scenario } from './types.ts';

/** A condition as a fault whose window is the whole phase: from the start of warmup to its end. */
export function conditionAsFault(condition: ConditionSpec, scenario: Scenario): FaultSpec {
  const warmupMs = Math.max(scenario.load.warmupS, scenario.load.warmupMaxS) * 1000;
  return { ...condition, atMs: -warmupMs, durationMs: warmupMs + scenario.load.durationS * 1000 };
}

/** Every injection of a scenario: its conditions (whole-phase windows) and its faults. */
export function injections(scenario: Scenario): FaultSpec[] {
  return [...scenario.conditions.map((c) => conditionAsFault(c, scenario)), ...scenario.faults];
}
