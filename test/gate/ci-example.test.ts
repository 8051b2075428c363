// docs/ci-example.yml, run literally (test/gate/workflow-runner.ts) twice as a new user's
// repository would: the first push to main has no baseline — the job passes with the baseline
// gates skipped, publishes JUnit and the job summary, and saves the run as the baseline when the
// run is good; a pull request then gates against that baseline. The only change to the workflow
// is a shorter scenario (SCENARIO), so the test takes a minute rather than ten.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from '../../src/runtime/child.ts';
import { loadWorkflow, runJob, type JobRun } from './workflow-runner.ts';

const SETUP = ['Install meshbench', 'System packages', 'Host check (sysctls, fault mechanisms)'];
const TINY = `name: ci-tiny
seed: 7
repeats: 1
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      calls: [user-service]
    - name: user-service
      serviceTime: 10ms
load:
  rate: 50
  warmup: 1s
  duration: 3s
gates:
  - meshed.errorRate < 5%
`;

let root = '';

async function workspace(name: string): Promise<string> {
  const ws = path.join(root, name);
  await mkdir(path.join(ws, 'scenarios'), { recursive: true });
  await symlink(repoPath('bin'), path.join(ws, 'bin'));
  await writeFile(path.join(ws, 'scenarios', 'ci-tiny.yaml'), TINY);
  return ws;
}

function step(run: JobRun, name: string) {
  const s = run.steps.find((x) => x.name === name);
  assert.ok(s, `no step "${name}"`);
  return s;
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'meshbench-ci-example-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('docs/ci-example.yml: the first run on main passes without a baseline; a pull request then gates against it', { timeout: 600_000 }, async () => {
  const workflow = await loadWorkflow(repoPath('docs/ci-example.yml'));
  const cacheDir = path.join(root, 'actions-cache');
  const common = { cacheDir, envOverrides: { SCENARIO: 'scenarios/ci-tiny.yaml' }, setupSteps: SETUP };

  // 1. First push to main: no cache, no baseline.
  const ws1 = await workspace('main-1');
  const first = await runJob(workflow, { ...common, workspace: ws1, eventName: 'push', ref: 'refs/heads/main' });
  const log1 = first.steps.map((s) => `${s.name}: ${s.outcome} ${s.exitCode}\n${s.output}`).join('\n');
  assert.equal(first.success, true, log1);
  assert.deepEqual(
    first.steps.map((s) => [s.name, s.outcome]),
    [
      ['actions/checkout@v4', 'ran'],
      ['actions/setup-node@v4', 'ran'],
      ['Install meshbench', 'skipped-setup'],
      ['System packages', 'skipped-setup'],
      ['Host check (sysctls, fault mechanisms)', 'skipped-setup'],
      ['Run the scenario', 'ran'],
      ['Restore the main baseline', 'ran'],
      ['Gate', 'ran'],
      ['Publish gate results', 'ran'],
      ['Upload the report', 'ran'],
      ['Save the baseline', 'ran'],
      ['Cache the baseline', step(first, 'Cache the baseline').outcome],
    ],
  );
  assert.equal(step(first, 'Restore the main baseline').output, 'cache miss');
  const gate1 = step(first, 'Gate');
  assert.match(gate1.output, /::notice::no baseline "main" in \.meshbench\/baselines yet/);
  const junit1 = step(first, 'Publish gate results').output;
  assert.match(junit1, /tests="4" failures="0" errors="0"/);
  // The three baseline gates are skipped; the scenario's own gate is judged (or, on a busy machine, inconclusive and skipped too).
  assert.equal(junit1.match(/<skipped message="SKIPPED meshed\.[^"]*no baseline yet/g)?.length, 3);
  assert.match(first.summary, /### meshbench gates — ci-tiny/);
  assert.equal(first.summary.match(/\| ⏭️ skipped \|/g)?.length, 3);
  assert.match(first.summary, /\| arm \| p50 \| p99 \|/);
  assert.match(first.summary, /\*\*Validity: (valid|inconclusive|invalid)\*\*/);
  await access(path.join(ws1, 'reports/ci/index.html'));
  const result1 = JSON.parse(await readFile(path.join(ws1, 'reports/ci/result.json'), 'utf8')) as { validity: { status: string } };
  if (result1.validity.status === 'valid') {
    // A good run joins the baseline and is cached for the next jobs.
    assert.equal(step(first, 'Cache the baseline').outcome, 'ran');
    await access(path.join(cacheDir, 'main.json'));
  } else {
    // A busy machine: `baseline save` refused (exit 1, tolerated by the step) and nothing was cached.
    assert.match(step(first, 'Save the baseline').output, /is not saved as baseline main: validity /);
    assert.equal(step(first, 'Cache the baseline').outcome, 'skipped-if');
    // So that the second job has a baseline to gate against, save this run as a forced baseline.
    execFileSync(process.execPath, [repoPath('bin/meshbench.js'), 'baseline', 'save', path.join(ws1, 'reports/ci/result.json'), '--name', 'main', '--dir', cacheDir, '--force'], { stdio: 'pipe' });
  }

  // 2. A pull request: the baseline comes from the cache; nothing is saved.
  const ws2 = await workspace('pr-1');
  const second = await runJob(workflow, { ...common, workspace: ws2, eventName: 'pull_request', ref: 'refs/pull/1/merge' });
  const log2 = second.steps.map((s) => `${s.name}: ${s.outcome} ${s.exitCode}\n${s.output}`).join('\n');
  assert.equal(step(second, 'Restore the main baseline').output, 'cache hit');
  const gate2 = step(second, 'Gate');
  assert.ok(gate2.exitCode === 0 || gate2.exitCode === 1, log2);
  // The Gate step is the verdict: the job fails exactly when it does, and publishing still happens.
  assert.equal(second.success, gate2.exitCode === 0, log2);
  assert.equal(step(second, 'Run the scenario').exitCode, 0, log2);
  assert.equal(step(second, 'Publish gate results').outcome, 'ran');
  assert.equal(step(second, 'Upload the report').outcome, 'ran');
  assert.equal(step(second, 'Save the baseline').outcome, 'skipped-if');
  assert.equal(step(second, 'Cache the baseline').outcome, 'skipped-if');
  assert.doesNotMatch(gate2.output, /SKIPPED|::notice::no baseline/);
  assert.match(gate2.output, /meshed\.p99 regresses < 10% — meshed\.p99 increase vs baseline = /);
  const junit = step(second, 'Publish gate results').output;
  assert.match(junit, /tests="4"/);
  assert.equal(/failures="(\d+)"/.exec(junit)![1] === '0', gate2.exitCode === 0);
  assert.match(second.summary, /against baseline `/);
  assert.match(second.summary, /\| arm \| p50 \| p99 \|/);
});
