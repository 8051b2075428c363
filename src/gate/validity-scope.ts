// Why: a gate on an invalid comparison must say "inconclusive", never pass or fail with
// confidence. Which validity problems concern a gate depends on what it judges: a busy machine
// concerns every gate; a generator floor larger than the mesh's cost concerns gates comparing
// latencies between arms; a transient or drifting repeats concern every latency gate; repeats
// that disagree on recovery concern recovery gates. Pure.
import type { RunResult, ValidityCheck } from '../result/types.ts';
import { gateRefs, type Gate } from './grammar.ts';

const LATENCY = new Set(['p50', 'p90', 'p99', 'p999', 'max', 'mean']);

function concerns(gate: Gate, check: ValidityCheck): boolean {
  const refs = gateRefs(gate);
  const latency = refs.some((r) => LATENCY.has(r.metric));
  const sides = new Set(refs.map((r) => `${r.source}/${r.arm}`));
  switch (check.scope) {
    case 'run':
      return true;
    case 'latency':
      return latency;
    case 'latency-difference':
      return latency && sides.size > 1;
    case 'recovery':
      return gate.kind === 'outcome' || refs.some((r) => r.metric === 'recoveryS');
  }
}

/** The validity problems (inconclusive or invalid checks) of `result` that concern `gate`. */
export function validityProblems(gate: Gate, result: RunResult): ValidityCheck[] {
  return (result.validity?.reasons ?? []).filter((c) => concerns(gate, c));
}
