// The local cluster leaves nothing behind: after `cluster down`, after Ctrl-C during `cluster
// up`, and after `cluster up` is SIGKILLed and `meshbench clean` runs — no process, network
// namespace, interface, route, nft table, mount, cgroup, symlink or state directory of it.
// It takes the cluster down, so it runs after the suite that uses the cluster:
// `npm run test:cluster-lifecycle` (CI runs it after `npm test`).
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cgroupMounts } from '../../src/faults/cgroup.ts';
import { clusterState } from '../../src/cluster/local/local-cluster.ts';
import { localLayout } from '../../src/cluster/local/layout.ts';
import { mountsUnder } from '../../src/runtime/host-state.ts';
import { repoPath } from '../../src/runtime/child.ts';

const layout = localLayout();
const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });

/** Everything of the local cluster still on this host, described; empty when it is all gone. */
function leftovers(): string[] {
  const found: string[] = [];
  for (const ns of sh('ip netns list').split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean)) {
    if (ns.startsWith('meshbench-cluster')) found.push(`netns ${ns}`);
    if (ns.startsWith('cni-') && sh(`ip -n ${ns} -4 -o addr show`).includes(' 10.244.')) found.push(`pod netns ${ns}`);
  }
  for (const link of sh('ip -o link show').split('\n')) if (/\bmbcluster/.test(link)) found.push(`link ${link.split(':')[1]?.trim()}`);
  for (const route of sh('ip -4 route show').split('\n')) if (route.startsWith('10.244.') || route.includes('mbcluster')) found.push(`route ${route}`);
  for (const table of sh('nft list tables').split('\n')) if (/kube-proxy|meshbench-cluster/.test(table)) found.push(`nft ${table}`);
  for (const prefix of [layout.stateDir, layout.runDir]) for (const m of mountsUnder(prefix)) found.push(`mount ${m}`);
  for (const m of cgroupMounts()) if (existsSync(path.join(m.mountPoint, layout.cgroupRoot))) found.push(`cgroup ${path.join(m.mountPoint, layout.cgroupRoot)}`);
  for (const dir of [layout.stateDir, layout.runDir]) if (existsSync(dir)) found.push(`directory ${dir}`);
  if (existsSync('/var/log/containers')) {
    for (const f of readdirSync('/var/log/containers')) {
      const p = path.join('/var/log/containers', f);
      if (lstatSync(p).isSymbolicLink() && readlinkSync(p).startsWith(layout.stateDir)) found.push(`symlink ${p}`);
    }
  }
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (cmdline.includes(layout.stateDir) || cmdline.includes(layout.runDir) || cmdline.includes('--name=meshbench-local')) found.push(`process ${pid}: ${cmdline.slice(0, 120)}`);
  }
  return found;
}

function cli(args: string[]) {
  const child = spawn(process.execPath, [repoPath('bin/meshbench.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const waitForStderr = (re: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} in stderr within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
      const check = () => {
        if (re.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stderr.on('data', check);
      check();
    });
  return { child, exited, waitForStderr, output: () => ({ stdout, stderr }) };
}

describe('local cluster lifecycle', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, () => {
  it('cluster down removes everything the cluster created', { timeout: 600_000 }, async () => {
    if (clusterState().state !== 'up') {
      const up = cli(['cluster', 'up']);
      assert.equal(await up.exited, 0, up.output().stderr);
    }
    assert.deepEqual(leftovers().filter((l) => l.startsWith('netns')).length, 2, 'the cluster is up before the check');
    const down = cli(['cluster', 'down']);
    assert.equal(await down.exited, 0, down.output().stderr);
    assert.deepEqual(leftovers(), []);
    assert.equal(clusterState().state, 'down');
  });

  it('Ctrl-C during cluster up (control plane running) exits 130 and leaves nothing', { timeout: 600_000 }, async () => {
    const up = cli(['cluster', 'up']);
    await up.waitForStderr(/node meshbench-no/, 300_000);
    up.child.kill('SIGINT');
    assert.equal(await up.exited, 130, up.output().stderr);
    assert.deepEqual(leftovers(), []);
  });

  it('SIGKILL during cluster up: the cluster reads as broken and `meshbench clean` removes it', { timeout: 600_000 }, async () => {
    const up = cli(['cluster', 'up']);
    await up.waitForStderr(/node meshbench-de/, 300_000);
    up.child.kill('SIGKILL');
    await up.exited;
    assert.equal(clusterState().state, 'broken');
    assert.ok(leftovers().length > 0, 'a SIGKILLed up leaves state for clean to find');
    const clean = cli(['clean']);
    assert.equal(await clean.exited, 0, clean.output().stderr);
    assert.deepEqual(leftovers(), []);
    assert.equal(clusterState().state, 'down');
  });
});
