// What may become a baseline and what the rolling history becomes: a bad run is refused with its
// reasons, the newest K runs are kept, and a changed scenario starts the history afresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addRun, admissionProblems, scenarioChange } from '../../src/gate/baseline-policy.ts';
import { evaluateGates } from '../../src/gate/evaluate.ts';
import { renderJunit } from '../../src/gate/junit.ts';
import { scenarioHash } from '../../src/result/scenario-hash.ts';
import type { RunResult } from '../../src/result/types.ts';
import { buildRunResult } from '../fixtures/run-result.ts';

const good = buildRunResult();

test('a run that failed a gate or is not valid is refused, with the reasons', () => {
  assert.deepEqual(admissionProblems(good), []);
  const failed: RunResult = { ...good, gates: [{ expression: 'meshed.errorRate < 1%', status: 'fail', statistic: 'meshed.errorRate', value: 0.62, interval: { lo: 0.6, hi: 0.64 }, text: { measured: '62%', interval: '60% … 64%', threshold: '< 1%' }, verdict: 'FAIL …' }] };
  assert.deepEqual(admissionProblems(failed), ['gate fail: meshed.errorRate < 1%']);
  const busy: RunResult = { ...good, validity: { status: 'inconclusive', reasons: [{ check: 'load-average', status: 'inconclusive', scope: 'run', message: 'the machine was busy' }], checks: [] } };
  assert.deepEqual(admissionProblems(busy), ['validity inconclusive: the machine was busy']);
});

test('the history keeps the newest K runs, oldest first, and records a forced save', () => {
  let doc = null;
  for (let i = 0; i < 4; i++) doc = addRun(doc, 'main', { ...good, id: `run-${i}` }, { keep: 3, savedAt: `t${i}`, forced: i === 3 ? ['gate fail: x'] : null }).doc;
  assert.deepEqual(doc!.runs.map((r) => r.result.id), ['run-1', 'run-2', 'run-3']);
  assert.deepEqual(doc!.runs.at(-1)!.forced, ['gate fail: x']);
  assert.equal(doc!.scenario.hash, scenarioHash(good.scenario));
});

test('a changed scenario starts the history afresh and is named when gating', () => {
  const first = addRun(null, 'main', good, { keep: 5, savedAt: 't0', forced: null }).doc;
  const slower = { ...good, scenario: { ...good.scenario, load: { ...good.scenario.load, rate: good.scenario.load.rate * 2 } } };
  assert.match(scenarioChange(slower, first) ?? '', /baseline main was recorded with scenario "retry-storm" \(sha256:[0-9a-f]{16}\), this result ran "retry-storm" \(sha256:/);
  const { doc, notes } = addRun(first, 'main', slower, { keep: 5, savedAt: 't1', forced: null });
  assert.equal(doc.runs.length, 1);
  assert.match(notes[0]!, /the scenario changed .* the 1 earlier run\(s\) of baseline main are dropped/);
  // What does not shape the measurement keeps the hash: gates, seed, repeats, description.
  const regated = { ...good, scenario: { ...good.scenario, gates: ['meshed.p99 < 1s'], seed: 7, repeats: 9, description: 'x' } };
  assert.equal(scenarioChange(regated, first), null);
});

test('JUnit shows baseline gates without a baseline as skipped, passing, or failing as asked', () => {
  const exprs = ['meshed.p50 regresses < 10%'];
  const junit = (missingBaseline: 'skip' | 'pass' | 'fail') => renderJunit(evaluateGates(good, exprs, { confidence: 0.95, inconclusive: 'pass', missingBaseline }));
  assert.match(junit('skip'), /skipped="1"[\s\S]*<skipped message="SKIPPED meshed\.p50 regresses &lt; 10% — no baseline yet/);
  assert.match(junit('pass'), /failures="0" errors="0" skipped="0"[\s\S]*<system-out>SKIPPED /);
  assert.match(junit('fail'), /failures="1"[\s\S]*<failure type="baseline-missing"/);
});
