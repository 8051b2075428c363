// A service's contention block is what lets a user model a bottleneck that scales sublinearly;
// it must read into the typed scenario, agree with the USL coefficients it promises, and refuse
// what cannot be simulated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, ScenarioError } from '../../src/scenario/parse.ts';
import { contentionDelayMs, nominalCapacityRps } from '../../src/services/service-time.ts';

function problems(yaml: string): string[] {
  try {
    parseScenario(yaml, 'c.yaml');
  } catch (err) {
    assert.ok(err instanceof ScenarioError);
    return err.problems.map((p) => `${p.line}:${p.path}: ${p.message} (${p.hint})`);
  }
  assert.fail('accepted');
}

test('contention reads into milliseconds per other replica and per replica pair', () => {
  const s = parseScenario(
    `
topology:
  services:
    - name: users
      pool: 4
      serviceTime: 20ms
      contention: {perOtherReplica: 2ms, perReplicaPair: 0.4ms}
load: {rate: 10, duration: 1s}
`,
    'c.yaml',
  );
  assert.deepEqual(s.topology.services[0]!.contention, { perOtherReplicaMs: 2, perReplicaPairMs: 0.4 });
});

test('capacity by construction follows the USL with σ = perOtherReplica / T and κ = perReplicaPair / T', () => {
  const spec = { pool: 4, serviceTime: { kind: 'fixed', ms: 20 } as const, contention: { perOtherReplicaMs: 2, perReplicaPairMs: 0.4 } };
  const lambda = 4 / 0.02;
  const [sigma, kappa] = [2 / 20, 0.4 / 20];
  for (const n of [1, 2, 3, 4, 8]) {
    const usl = (lambda * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
    assert.ok(Math.abs(nominalCapacityRps(spec, n) - usl) < 1e-9, `N=${n}: ${nominalCapacityRps(spec, n)} vs USL ${usl}`);
  }
  assert.equal(contentionDelayMs(null, 8), 0);
  assert.equal(nominalCapacityRps({ ...spec, contention: null }, 3), 600);
});

test('contention problems name the field and the fix', () => {
  const found = problems(`
topology:
  services:
    - name: users
      contention: {perOtherReplica: 2, perReplica: 1ms}
    - name: idle
      contention: {perOtherReplica: 0ms}
    - name: ext
      external: http://127.0.0.1:9
      contention: {perOtherReplica: 1ms}
load: {rate: 10, duration: 1s}
`);
  assert.ok(found.some((p) => /services\[0\]\.contention\.perOtherReplica: 2 has no unit/.test(p)), found.join('\n'));
  assert.ok(found.some((p) => /services\[0\]\.contention\.perReplica: unknown key .*perReplicaPair/.test(p)), found.join('\n'));
  assert.ok(found.some((p) => /services\[1\]\.contention: sets no cost/.test(p)), found.join('\n'));
  assert.ok(found.some((p) => /services\[2\]\.contention: does not apply to an external service/.test(p)), found.join('\n'));
});
