import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario, ScenarioError } from '../../src/scenario/parse.ts';

const scenario = (gates: string) => `name: g
topology:
  services:
    - name: users
load:
  rate: 10
  duration: 2s
gates:
${gates}`;

test('gate expressions are checked when the scenario is validated, with their line', () => {
  try {
    parseScenario(scenario('  - meshed.p99 < 25ms\n  - meshed.p99 < 25\n  - direct.p42 < 1s\n'), 's.yaml');
    assert.fail('expected a ScenarioError');
  } catch (err) {
    assert.ok(err instanceof ScenarioError);
    assert.equal(err.problems.length, 2, 'the valid gate is not reported');
    assert.deepEqual(err.problems.map((p) => [p.line, p.path]), [[10, 'gates[1]'], [11, 'gates[2]']]);
    assert.match(err.problems[0]!.hint, /25ms/);
  }
});

test('valid gates pass validation unchanged', () => {
  const s = parseScenario(scenario('  - meshed.p99 / direct.p99 < 1.3\n  - meshed.recovered\n'), 's.yaml');
  assert.deepEqual(s.gates, ['meshed.p99 / direct.p99 < 1.3', 'meshed.recovered']);
});

test('a baseline gate in a scenario is refused at validation: a run has no baseline to compare with', () => {
  assert.throws(
    () => parseScenario(scenario('  - meshed.p99 regresses < 10%\n'), 's.yaml'),
    (err: unknown) => err instanceof ScenarioError && /baseline/.test(err.problems[0]!.message) && /meshbench gate/.test(err.problems[0]!.hint),
  );
});
