// `meshbench run --backend/--kubeconfig/--context` as a user types it: the flags parse and are
// validated (exit 2 with the fix); a kubernetes run is refused with exit 3 and a clear message
// while that backend is not wired, before anything is started.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { repoPath } from '../../src/runtime/child.ts';

function meshbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [repoPath('bin/meshbench.js'), ...args], { cwd: repoPath('.') }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

test('run --backend kubernetes --kubeconfig F --context C exits 3 naming the scenario, and starts nothing', async () => {
  const r = await meshbench('run', 'scenarios/baseline.yaml', '--backend', 'kubernetes', '--kubeconfig', '/nonexistent/kubeconfig', '--context', 'local', '--quiet', '--out', '/tmp/meshbench-never-written');
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /E_BACKEND_UNAVAILABLE/);
  assert.match(r.stderr, /scenarios\/baseline\.yaml: backend "kubernetes" cannot run in this build/);
  assert.equal(r.stdout, '');
});

test('--context without the kubernetes backend, or an unknown --backend, is bad input (exit 2)', async () => {
  const context = await meshbench('run', 'scenarios/baseline.yaml', '--context', 'local', '--quiet');
  assert.equal(context.code, 2, context.stderr);
  assert.match(context.stderr, /--context applies to the kubernetes backend/);
  const unknown = await meshbench('run', 'scenarios/baseline.yaml', '--backend', 'docker', '--quiet');
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /unknown backend "docker"/);
});
