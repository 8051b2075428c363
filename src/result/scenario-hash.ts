// Why: a baseline or a comparison is only meaningful between runs of the same workload. Results
// embed the validated scenario, so two results can be checked for "same scenario" without the
// YAML: a SHA-256 over what shapes the measurement (topology, load, arms, mesh, conditions,
// faults, recovery options, backend kind) in a canonical key order. What does not change what is
// measured — file path, description, seed, repeat count, gates and gate options, toxiproxy URL,
// kubeconfig — is left out, so tightening a gate or adding repeats keeps the baseline. Pure.
import { createHash } from 'node:crypto';
import type { Scenario } from '../scenario/types.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** `sha256:<16 hex>` of the measurement-shaping part of the scenario. */
export function scenarioHash(s: Scenario): string {
  const shaping = {
    name: s.name,
    topology: s.topology,
    load: s.load,
    arms: s.arms,
    mesh: s.mesh,
    meshDeployment: s.meshDeployment,
    conditions: s.conditions,
    faults: s.faults,
    recovery: s.recovery,
    backend: s.backend.kind,
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(shaping))).digest('hex').slice(0, 16)}`;
}
