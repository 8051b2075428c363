// The CI flags as a pipeline uses them: a first run without a baseline passes with the baseline
// gates skipped (JUnit and Markdown say so), a bad run is not saved as a baseline unless forced,
// a baseline of another scenario is refused, the job summary is appended to, and `compare`
// writes its Markdown and HTML.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRunResult, buildScenario } from '../fixtures/run-result.ts';
import { syntheticResult, type SyntheticArm } from './synthetic-result.ts';

const BIN = fileURLToPath(new URL('../../bin/meshbench.js', import.meta.url));
let dir = '';

function meshbench(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const REGRESSION = ['--no-scenario-gates', '--gate', 'meshed.p50 regresses < 10%', '--gate', 'meshed.errorRate < 90%'];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'meshbench-ci-flags-'));
  await writeFile(path.join(dir, 'good.json'), JSON.stringify(buildRunResult()));
  const failedGate = { expression: 'meshed.p99 < 25ms', status: 'fail' as const, statistic: 'meshed.p99', value: 71.6, interval: { lo: 60, hi: 80 }, text: { measured: '71.6ms', interval: '60ms … 80ms', threshold: '< 25ms' }, verdict: 'FAIL meshed.p99 < 25ms' };
  await writeFile(path.join(dir, 'failed.json'), JSON.stringify(buildRunResult({ gates: [failedGate] })));
  const other = buildRunResult({ scenario: buildScenario({ name: 'other-scenario' }) });
  await writeFile(path.join(dir, 'other.json'), JSON.stringify(other));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('no baseline yet: baseline gates are skipped with a notice, the job passes, the job summary is appended to', async () => {
  const summary = path.join(dir, 'step-summary.md');
  await writeFile(summary, '# earlier step\n');
  const r = await meshbench(['gate', 'good.json', ...REGRESSION, '--baseline', 'main', '--baseline-dir', 'baselines', '--junit', 'gates.xml', '--markdown', summary], { GITHUB_STEP_SUMMARY: summary });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /::notice::no baseline "main" in baselines yet: baseline gates are not judged \(--if-no-baseline skip\)/);
  assert.match(r.stdout, /^SKIPPED meshed\.p50 regresses < 10% — no baseline yet/m);
  assert.match(r.stdout, /1 passed, 0 failed, 0 inconclusive, 1 skipped/);
  const xml = await readFile(path.join(dir, 'gates.xml'), 'utf8');
  assert.match(xml, /tests="2" failures="0" errors="0" skipped="1"/);
  const md = await readFile(summary, 'utf8');
  assert.match(md, /^# earlier step\n/);
  assert.match(md, /> \*\*Note:\*\* no baseline "main"/);
  assert.match(md, /\| ⏭️ skipped \| `meshed\.p50 regresses < 10%` \|/);
  assert.match(md, /\*\*Validity: valid\*\*/);
  assert.match(md, /\| arm \| p50 \| p99 \| p99\.9 \|/);

  const strict = await meshbench(['gate', 'good.json', ...REGRESSION, '--baseline', 'main', '--baseline-dir', 'baselines', '--if-no-baseline', 'fail', '--junit', 'strict.xml']);
  assert.equal(strict.code, 1, strict.stderr);
  assert.match(await readFile(path.join(dir, 'strict.xml'), 'utf8'), /<failure type="baseline-missing"/);
});

test('baseline save refuses a run that failed its gates; --force saves it and the baseline says so', async () => {
  const refused = await meshbench(['baseline', 'save', 'failed.json', '--name', 'main', '--dir', 'baselines']);
  assert.equal(refused.code, 1, 'refused like a failed gate: the input is fine, the run is not');
  assert.match(refused.stderr, /failed\.json is not saved as baseline main: gate fail: meshed\.p99 < 25ms[\s\S]*hint: .*--force/);
  const forced = await meshbench(['baseline', 'save', 'failed.json', '--name', 'main', '--dir', 'baselines', '--force', '--keep', '2']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /saved despite: gate fail/);
  for (let i = 0; i < 2; i++) assert.equal((await meshbench(['baseline', 'save', 'good.json', '--name', 'main', '--dir', 'baselines', '--keep', '2'])).code, 0);
  const show = await meshbench(['baseline', 'show', '--name', 'main', '--dir', 'baselines']);
  assert.match(show.stdout, /2 of up to 2 run\(s\)/);
  assert.doesNotMatch(show.stdout, /FORCED/, 'the forced run rolled out');
  const gate = await meshbench(['gate', 'good.json', ...REGRESSION, '--baseline', 'main', '--baseline-dir', 'baselines']);
  assert.equal(gate.code, 0, gate.stderr);
  assert.match(gate.stdout, /^PASS meshed\.p50 regresses < 10% — .*between 2 baseline runs/m);
});

test('a baseline of another scenario is refused (exit 2) unless --allow-scenario-change', async () => {
  const refused = await meshbench(['gate', 'other.json', ...REGRESSION, '--baseline', 'main', '--baseline-dir', 'baselines']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /baseline main was recorded with scenario "retry-storm" \(sha256:[0-9a-f]+\), this result ran "other-scenario"[\s\S]*--allow-scenario-change/);
  const allowed = await meshbench(['gate', 'other.json', ...REGRESSION, '--baseline', 'main', '--baseline-dir', 'baselines', '--allow-scenario-change', '--markdown', 'allowed.md']);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(await readFile(path.join(dir, 'allowed.md'), 'utf8'), /Note:\*\* the baseline is of a different scenario/);
});

test('compare writes Markdown and HTML, and refuses different scenarios unless allowed', async () => {
  const ok = await meshbench(['compare', 'good.json', 'good.json', '--markdown', 'cmp.md', '--html', 'cmp.html']);
  assert.equal(ok.code, 0, ok.stderr);
  const md = await readFile(path.join(dir, 'cmp.md'), 'utf8');
  assert.match(md, /\| p99 \| .* ⚪ no measurable difference \|/);
  assert.match(await readFile(path.join(dir, 'cmp.html'), 'utf8'), /<canvas id="curves-0">/);
  const refused = await meshbench(['compare', 'good.json', 'other.json']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /different scenarios: good\.json: "retry-storm"/);
  const allowed = await meshbench(['compare', 'good.json', 'other.json', '--allow-scenario-change']);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stdout, /⚠️ Different scenarios/);
});

test('a real regression (service time 10 → 30 ms) against a rolling baseline fails the gate with a JUnit failure and a Markdown that shows it', async () => {
  const meshed = (p50Ms: number, p99Ms: number): SyntheticArm[] => [{ name: 'meshed', p50Ms, p99Ms, repeats: 3, requestsPerRepeat: 1500, drift: 0.03 }];
  for (let i = 0; i < 3; i++) {
    await writeFile(path.join(dir, `main-${i}.json`), JSON.stringify(syntheticResult(300 + i, meshed(11, 14))));
    const save = await meshbench(['baseline', 'save', `main-${i}.json`, '--name', 'rolling', '--dir', 'baselines']);
    assert.equal(save.code, 0, save.stderr);
  }
  await writeFile(path.join(dir, 'pr.json'), JSON.stringify(syntheticResult(400, meshed(31, 34))));
  const summary = path.join(dir, 'pr-summary.md');
  const gate = await meshbench(['gate', 'pr.json', '--baseline', 'rolling', '--baseline-dir', 'baselines', '--gate', 'meshed.p99 regresses < 10%', '--junit', 'pr.xml', '--markdown', summary], { GITHUB_STEP_SUMMARY: summary });
  assert.equal(gate.code, 1, gate.stderr);
  assert.match(gate.stdout, /^FAIL meshed\.p99 regresses < 10% — meshed\.p99 increase vs baseline = \+1\d\d%.*between 3 baseline runs/m);
  assert.match(await readFile(path.join(dir, 'pr.xml'), 'utf8'), /failures="1"[\s\S]*<failure type="gate-failed" message="meshed\.p99 increase vs baseline = \+1\d\d%/);
  const md = await readFile(summary, 'utf8');
  assert.match(md, /against baseline `synthetic-302` \(newest of 3 runs; intervals include the spread between them\)/);
  assert.match(md, /\| ❌ fail \| `meshed\.p99 regresses < 10%` \| meshed\.p99 increase vs baseline \| \+1\d\d% \|/);
  const compare = await meshbench(['compare', 'main-2.json', 'pr.json']);
  assert.equal(compare.code, 0, compare.stderr);
  assert.match(compare.stdout, /\| p99 \| .* 🔴 worse \|/);
});
