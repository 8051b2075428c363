// `run --gates warn|fail`: what a failed scenario gate does to the run's exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { parseGatesMode, runExit } from '../../src/cli/gates-mode.ts';
import { repoPath } from '../../src/runtime/child.ts';

test('a failed gate exits 1 with --gates fail and 0 with a warning with --gates warn; passing gates exit 0 either way', () => {
  assert.deepEqual(runExit(1, 'fail'), { exitCode: 1, warning: null });
  assert.equal(runExit(1, 'warn').exitCode, 0);
  assert.match(runExit(1, 'warn').warning ?? '', /a scenario gate failed \(--gates warn: exit 0/);
  assert.deepEqual(runExit(0, 'warn'), { exitCode: 0, warning: null });
  assert.deepEqual(runExit(0, 'fail'), { exitCode: 0, warning: null });
  assert.throws(() => parseGatesMode('ignore'), /--gates must be "fail" or "warn", got "ignore"/);
});

test('run --gates with another word is bad input before anything starts', async () => {
  const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [repoPath('bin/meshbench.js'), 'run', 'scenarios/baseline.yaml', '--gates', 'ignore', '--quiet', '--out', '/tmp/meshbench-never-written'], { cwd: repoPath('.') }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr });
    });
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--gates must be "fail" or "warn"/);
});
