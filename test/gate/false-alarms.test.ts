// A gate that fails on noise gets deleted from the pipeline. Many A/A pairs (same distribution,
// realistic noise: 3 repeats of 1 500 requests, lognormal latency, a few % drift between repeats)
// must almost never fail "p99 may not regress more than 10 %", while a real +30 % shift must be
// caught. The noise is chosen so a naive gate on the point estimate does raise false alarms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateGates } from '../../src/gate/evaluate.ts';
import { syntheticResult, type SyntheticArm } from './synthetic-result.ts';

const GATE = 'meshed.p99 regresses < 10%';
const arm = (scale: number): SyntheticArm[] => [{ name: 'meshed', p50Ms: 10 * scale, p99Ms: 25 * scale, repeats: 3, requestsPerRepeat: 1500, drift: 0.04 }];

function compare(pairs: number, scale: number, seedBase: number) {
  let fail = 0;
  let naiveFail = 0;
  for (let i = 0; i < pairs; i++) {
    const baseline = syntheticResult(seedBase + 2 * i, arm(1));
    const current = syntheticResult(seedBase + 2 * i + 1, arm(scale));
    const [g] = evaluateGates(current, [GATE], { baseline, confidence: 0.95, inconclusive: 'pass' }).gates;
    assert.ok(g && g.measured !== null);
    if (g.status === 'fail') fail++;
    if (g.measured >= 0.1) naiveFail++;
  }
  return { fail, naiveFail };
}

test('A/A comparisons fail a 10 % p99 regression gate fewer than 1 in 100 times', () => {
  const pairs = 300;
  const { fail, naiveFail } = compare(pairs, 1, 10_000);
  assert.ok(fail < pairs / 100, `${fail} false alarms in ${pairs} A/A comparisons`);
  // The noise is real: judging the point estimate alone would have raised false alarms.
  assert.ok(naiveFail >= 2, `the point estimate crossed +10 % in only ${naiveFail} of ${pairs} — noise too small to test anything`);
});

test('a real +30 % p99 shift is detected in most comparisons', () => {
  const pairs = 80;
  const { fail } = compare(pairs, 1.3, 50_000);
  assert.ok(fail >= pairs * 0.85, `detected ${fail} of ${pairs}`);
});
