// The shared-VM failure the rolling baseline exists for: whole runs drift (log-normal, sd 0.2 —
// a p99 moving by ±20 % run to run, as a busy machine does), each run's own intervals narrow.
// Against the newest baseline run alone the bootstrap raises false alarms on A/A pairs; judged
// against the spread of 5 kept runs it must stay near its 2.5 % design rate (one-sided tail of
// a 95 % prediction band) while a 10 → 30 ms regression is still caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng, standardNormal } from '../../src/core/rng.ts';
import { evaluateGates } from '../../src/gate/evaluate.ts';
import type { RunResult } from '../../src/result/types.ts';
import { syntheticResult, type SyntheticArm } from './synthetic-result.ts';

const GATE = 'meshed.p99 regresses < 10%';
const KEEP = 5;
const RUN_DRIFT = 0.2;
const rng = seededRng(2026);

function run(seed: number, scale: number): RunResult {
  const factor = scale * Math.exp(RUN_DRIFT * standardNormal(rng));
  const arm: SyntheticArm[] = [{ name: 'meshed', p50Ms: 10 * factor, p99Ms: 25 * factor, repeats: 3, requestsPerRepeat: 600, drift: 0.03 }];
  return syntheticResult(seed, arm);
}

function trial(pairs: number, scale: number, seedBase: number) {
  let noiseAware = 0;
  let single = 0;
  for (let i = 0; i < pairs; i++) {
    const history = Array.from({ length: KEEP }, (_, k) => run(seedBase + 10 * i + k, 1));
    const candidate = run(seedBase + 10 * i + KEEP, scale);
    const opts = { confidence: 0.95, inconclusive: 'pass' as const, iterations: 400 };
    if (evaluateGates(candidate, [GATE], { ...opts, baseline: history }).gates[0]!.status === 'fail') noiseAware++;
    if (evaluateGates(candidate, [GATE], { ...opts, baseline: history.at(-1)! }).gates[0]!.status === 'fail') single++;
  }
  return { noiseAware, single };
}

test('A/A pairs under run-to-run drift: the newest run alone raises false alarms, the rolling baseline stays near its design rate', (t) => {
  const pairs = 60;
  const { noiseAware, single } = trial(pairs, 1, 70_000);
  t.diagnostic(`A/A false alarms: ${noiseAware}/${pairs} against ${KEEP} kept runs, ${single}/${pairs} against the newest run alone`);
  assert.ok(single >= pairs * 0.15, `against one run only ${single}/${pairs} false alarms: the drift is too small to test anything`);
  assert.ok(noiseAware <= pairs * 0.05, `${noiseAware}/${pairs} false alarms against ${KEEP} kept runs`);
});

test('a 10 → 30 ms regression is caught against the rolling baseline despite the drift', (t) => {
  const pairs = 20;
  const { noiseAware, single } = trial(pairs, 3, 90_000);
  t.diagnostic(`10 → 30 ms caught: ${noiseAware}/${pairs} against ${KEEP} kept runs, ${single}/${pairs} against the newest run alone`);
  assert.ok(noiseAware >= pairs * 0.9, `caught ${noiseAware}/${pairs}`);
});
