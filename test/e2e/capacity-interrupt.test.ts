// Ctrl-C during a capacity sweep must leave nothing: the topology's services, the proxy and the
// load generators (the running one and the spare) are stopped, the run's ledger is removed, and
// the command exits 130 — the runner's teardown and ledger, reused. Scoped to this test's own
// processes by an environment marker every child inherits, so concurrent runs are not touched.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ledgerDir, processStartTime } from '../../src/runtime/ledger.ts';
import { outputName } from '../../src/runtime/child-bundle.ts';
import { REPO } from './fixtures/fault-run.ts';

const MARK = 'MESHBENCH_E2E_CAPACITY_MARK';
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function marked(mark: string): Array<{ pid: number; args: string }> {
  const out: Array<{ pid: number; args: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (processStartTime(Number(entry)) === null) continue;
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${MARK}=${mark}`)) continue;
      out.push({ pid: Number(entry), args: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | null): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('Ctrl-C mid-step: exit 130, no process and no ledger of the sweep left', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-e2e-capacity-int-'));
  dirs.push(dir);
  const file = path.join(dir, 'scenario.yaml');
  await writeFile(
    file,
    `
name: e2e-capacity-interrupt
topology:
  entry: frontend
  services:
    - name: frontend
      calls: [users]
    - name: users
      pool: 4
      serviceTime: 20ms
load: {rate: 50, duration: 5s}
`,
  );
  const mark = randomBytes(6).toString('hex');
  const child = spawn(process.execPath, [path.join(REPO, 'bin/meshbench.js'), 'capacity', file, '--slo', 'p99 < 200ms', '--target-rps', '1000', '--arms', 'meshed', '--out', path.join(dir, 'out')], {
    cwd: REPO,
    env: { ...process.env, [MARK]: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit');
  try {
    // A step is measuring once the first step line is printed and a generator, the proxy and
    // both services run.
    await until('a step to be running', 90_000, () => {
      if (child.exitCode !== null) throw new Error(`meshbench capacity exited early with ${child.exitCode}:\n${stderr}`);
      const procs = marked(mark);
      const has = (entry: string) => procs.some((p) => p.args.includes(outputName(entry)));
      return /: ramp \d+/.test(stderr) && has('src/load/worker.ts') && has('proxy/main.ts') && has('src/services/main.ts') ? true : null;
    });
    const ledgers = () => readdirSync(ledgerDir()).filter((f) => {
      try {
        return JSON.parse(readFileSync(path.join(ledgerDir(), f), 'utf8')).owner.pid === child.pid;
      } catch {
        return false;
      }
    });
    const ledger = ledgers()[0];
    assert.ok(ledger, 'the sweep keeps a ledger while it runs');
    child.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping the capacity sweep and removing everything it started/);
    await until('the sweep\'s processes to exit', 5000, () => (marked(mark).length === 0 ? true : null)).catch(() => {});
    assert.deepEqual(marked(mark).map((p) => `${p.pid} ${p.args}`), [], 'no process of the sweep is left');
    assert.equal(existsSync(path.join(ledgerDir(), ledger)), false, 'its ledger is removed');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
