// The CI contract of `meshbench gate` and `meshbench baseline`: exit 0 / 1 / 2, one line per
// gate, JUnit and Markdown files, and named baselines — run as a user's pipeline runs them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRunResult } from '../fixtures/run-result.ts';

const BIN = fileURLToPath(new URL('../../bin/meshbench.js', import.meta.url));
let dir = '';
let resultFile = '';

function meshbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'meshbench-gate-'));
  resultFile = path.join(dir, 'result.json');
  await writeFile(resultFile, JSON.stringify(buildRunResult()));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a failing scenario gate exits 1 and writes JUnit and Markdown', async () => {
  const r = await meshbench('gate', resultFile, '--gate', 'meshed.recovered', '--junit', 'out/gates.xml', '--markdown', 'out/summary.md');
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0] ?? '', /^FAIL meshed\.p99 < 25ms — /);
  assert.match(lines[1] ?? '', /^PASS meshed\.recovery < 2s — /);
  assert.match(lines[2] ?? '', /^PASS meshed\.recovered — recovered in 2\/2 repeats/);
  assert.match(lines[3] ?? '', /1 failed/);
  const xml = await readFile(path.join(dir, 'out/gates.xml'), 'utf8');
  assert.equal(xml.match(/<testcase /g)?.length, 3);
  assert.match(xml, /<failure type="gate-failed" message="meshed\.p99 = /);
  assert.match(await readFile(path.join(dir, 'out/summary.md'), 'utf8'), /\| ❌ fail \| `meshed\.p99 < 25ms` \|/);
});

test('a saved baseline is found by name and regression gates pass against it (exit 0)', async () => {
  const save = await meshbench('baseline', 'save', resultFile, '--dir', 'baselines');
  assert.equal(save.code, 0, save.stderr);
  await access(path.join(dir, 'baselines', 'retry-storm.json'));
  const show = await meshbench('baseline', 'show', '--dir', 'baselines', '--name', 'retry-storm');
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /scenario retry-storm \(sha256:[0-9a-f]{16}\), 1 of up to 5 run\(s\)/);
  assert.match(show.stdout, /run 20250314-090000-retry-storm-fixture, started /);
  assert.match(show.stdout, /meshed {2}repeats 2 {2}p50 /);
  const gate = await meshbench('gate', resultFile, '--no-scenario-gates', '--baseline', 'retry-storm', '--baseline-dir', 'baselines', '--gate', 'meshed.p50 regresses < 10%');
  assert.equal(gate.code, 0, gate.stderr);
  assert.match(gate.stdout, /^PASS meshed\.p50 regresses < 10% — /);
});

test('bad input exits 2 with a hint: bad JSON, unknown version, bad gate, missing baseline file, bad --if-no-baseline', async () => {
  await writeFile(path.join(dir, 'broken.json'), '{"schema": ');
  const doc = buildRunResult() as unknown as Record<string, unknown>;
  await writeFile(path.join(dir, 'v9.json'), JSON.stringify({ ...doc, version: 9 }));
  const cases: Array<[string[], RegExp]> = [
    [['gate', 'broken.json'], /not valid JSON/],
    [['gate', 'v9.json'], /version 9/],
    [['gate', resultFile, '--gate', 'meshed.p99 < 25'], /column 14[\s\S]*hint: give the threshold a unit/],
    [['gate', resultFile, '--baseline', 'old/nightly.json'], /no baseline file old\/nightly\.json[\s\S]*hint:/],
    [['gate', resultFile, '--baseline', 'nightly', '--if-no-baseline', 'maybe'], /--if-no-baseline maybe is not one of skip, pass, fail/],
    [['gate', resultFile, '--no-scenario-gates', '--gate', 'meshed.p99 regresses < 10%'], /compares against a baseline, but none was given/],
    [['gate', resultFile, '--inconclusive', 'maybe'], /inconclusive must be "pass" or "fail"/],
  ];
  for (const [args, pattern] of cases) {
    const r = await meshbench(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
});
