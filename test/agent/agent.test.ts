// The chaos agent against the real kernel, outside Kubernetes: a "pod" made the way a kubelet
// makes one — a process in a network namespace of its own, reached through a veth, and in a
// cgroup whose path carries the pod's UID. The agent finds it by UID, drops its packets with
// nftables inside its namespace, freezes its cgroup, and lifts each fault when the lease runs
// out, so a runner that dies never leaves a fault behind.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAgent, type Agent } from '../../src/agent/agent-server.ts';
import { applyFault } from '../../src/agent/pod-faults.ts';
import { realClock } from '../../src/core/clock.ts';
import { cgroupMounts } from '../../src/faults/cgroup.ts';
import { mustRun } from '../../src/faults/run-command.ts';
import { ensureCgroupTree, removeCgroupTree } from '../../src/runtime/host-state.ts';
import { newRunId } from '../../src/runtime/ledger.ts';

const root = process.getuid?.() === 0;
const id = newRunId();
const netns = `meshbench-${id}-agentpod`;
const hostVeth = `mbag${id.slice(0, 6)}`;
const podUid = randomUUID();
const cgroupRel = `meshbench-${id}-agent/kubepods/pod${podUid}/container`;
const SERVER_IP = '10.252.0.2';
const TOKEN = 'test-token';

async function reachable(): Promise<boolean> {
  try {
    const res = await fetch(`http://${SERVER_IP}:8080/`, { signal: AbortSignal.timeout(600) });
    return (await res.text()) === 'pod says hi';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('chaos agent on a real network namespace and cgroup', { skip: root ? false : 'needs root (netns, nftables, cgroups)' }, () => {
  let server: ChildProcess;
  let agent: Agent;
  let base: string;
  const call = (method: string, p: string, body?: unknown, token = TOKEN) =>
    fetch(`${base}${p}`, { method, headers: { 'x-meshbench-agent-token': token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  before(async () => {
    await mustRun('ip', ['netns', 'add', netns]);
    await mustRun('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    await mustRun('ip', ['addr', 'add', '10.252.0.1/30', 'dev', hostVeth]);
    await mustRun('ip', ['link', 'set', hostVeth, 'up']);
    await mustRun('ip', ['-n', netns, 'addr', 'add', `${SERVER_IP}/30`, 'dev', 'eth0']);
    await mustRun('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
    const dirs = ensureCgroupTree(cgroupRel);
    const join = `for d in ${dirs.join(' ')}; do echo $$ > $d/cgroup.procs; done; exec "$@"`;
    server = spawn('sh', ['-c', join, 'sh', 'nsenter', `--net=/run/netns/${netns}`, '--', process.execPath, '-e',
      "require('node:http').createServer((q, s) => s.end('pod says hi')).listen(8080, () => console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => server.stdout!.once('data', r));
    agent = startAgent({
      token: TOKEN,
      clock: realClock,
      // The agent outside a pod: the host's /proc and cgroup mounts are its own.
      apply: (faultId, req) => applyFault({ procRoot: '/proc', cgroupRoot: '/sys/fs/cgroup', podInterface: 'eth0' }, faultId, req),
      sweepEveryMs: 100,
    });
    await new Promise<void>((r) => agent.server.listen(0, '127.0.0.1', () => r()));
    const address = agent.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    assert.ok(await reachable(), 'the pod answers before any fault');
  });

  after(async () => {
    await agent?.close();
    server?.kill('SIGKILL');
    await removeCgroupTree(`meshbench-${id}-agent`);
    await mustRun('ip', ['netns', 'delete', netns]).catch(() => undefined);
  });

  it('refuses a request without the token', async () => {
    const res = await call('PUT', '/v1/faults/x', { kind: 'partition', podUid, ports: [8080], leaseMs: 1000 }, 'wrong');
    assert.equal(res.status, 401);
  });

  it('a partition drops the pod\'s packets until the lease runs out, then lifts itself', async () => {
    const res = await call('PUT', '/v1/faults/part-1', { kind: 'partition', podUid, ports: [8080], leaseMs: 1200 });
    assert.equal(res.status, 201, await res.clone().text());
    assert.match(((await res.json()) as { mechanism: string }).mechanism, /nftables in pod .* network namespace: drop all tcp\/8080/);
    assert.equal(await reachable(), false, 'partitioned');
    // The runner "dies": no renewal. The agent lifts the fault within lease + sweep.
    await sleep(1600);
    assert.deepEqual(await (await call('GET', '/v1/faults')).json(), []);
    assert.equal(await reachable(), true, 'reachable again after the lease expired');
    assert.equal((await call('POST', '/v1/faults/part-1/renew', { leaseMs: 1000 })).status, 404, 'an expired lease cannot be renewed');
  });

  it('renewals keep a fault applied past its first lease; DELETE lifts it at once', async () => {
    assert.equal((await call('PUT', '/v1/faults/part-2', { kind: 'partition', podUid, ports: [8080], leaseMs: 800 })).status, 201);
    for (let i = 0; i < 6; i++) {
      await sleep(300);
      assert.equal((await call('POST', '/v1/faults/part-2/renew', { leaseMs: 800 })).status, 200);
    }
    assert.equal(await reachable(), false, 'still partitioned after 1.8 s of 0.8 s leases');
    assert.equal((await call('DELETE', '/v1/faults/part-2')).status, 200);
    assert.equal(await reachable(), true);
  });

  it('cpu steal freezes the pod\'s cgroup for part of every period and thaws it when lifted', async () => {
    const freezer = cgroupMounts().find((m) => m.controllers.includes('freezer'));
    if (!freezer) return; // cgroup v2 machines are covered by the local cpu-steal tests
    const podDir = path.join(freezer.mountPoint, path.dirname(cgroupRel));
    assert.equal((await call('PUT', '/v1/faults/steal-1', { kind: 'cpu-steal', podUid, percent: 50, periodMs: 100, leaseMs: 5000 })).status, 201);
    const states = new Set<string>();
    for (let i = 0; i < 40; i++) {
      states.add(readFileSync(path.join(podDir, 'freezer.state'), 'utf8').trim());
      await sleep(7);
    }
    assert.ok(states.has('FROZEN') && states.has('THAWED'), `saw ${[...states].join(', ')}`);
    assert.equal((await call('DELETE', '/v1/faults/steal-1')).status, 200);
    assert.equal(readFileSync(path.join(podDir, 'freezer.state'), 'utf8').trim(), 'THAWED');
  });
});
