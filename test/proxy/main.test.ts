import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ProxyStats } from '../../proxy/src/config.ts';
import { repoPath, startChild } from '../../src/runtime/child.ts';
import { closeClientAgent, proxyConfig, request, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

type ProxyEvent = { type: 'ready'; port: number; adminPort: number } | ({ type: 'stats' } & ProxyStats);

let dir: string;
let upstream: Upstream;
let configFile: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'meshbench-proxy-'));
  upstream = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  configFile = path.join(dir, 'proxy.json');
  await writeFile(configFile, JSON.stringify(proxyConfig(testMesh(), { users: [upstream] })));
});
after(async () => {
  closeClientAgent();
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

test('as an IPC child it reports ready, serves, answers stats and stops on SIGTERM', async () => {
  const child = startChild<{ type: 'stats' }, ProxyEvent>('proxy/main.ts', { label: 'mesh-proxy', args: ['--config', configFile] });
  try {
    const ready = await child.next<Extract<ProxyEvent, { type: 'ready' }>>('ready');
    assert.ok(ready.port > 0 && ready.adminPort > 0);
    assert.equal((await request(ready.port, 'users')).status, 200);
    const answer = child.next<Extract<ProxyEvent, { type: 'stats' }>>('stats');
    child.send({ type: 'stats' });
    const stats = await answer;
    assert.equal(stats.counters.requests, 1);
    assert.deepEqual(stats.audit, [{ route: 'default', zone: 'none', requests: 1 }]);
  } finally {
    closeClientAgent();
    await child.stop();
  }
  assert.equal((await child.exited).code, 0);
});

test('it exits when its parent dies, even by SIGKILL', async () => {
  const parent = spawn(process.execPath, ['--import', 'tsx', repoPath('test/proxy/fixtures/proxy-parent.ts'), '--config', configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    parent.once('exit', () => reject(new Error('parent exited early')));
  });
  parent.kill('SIGKILL');
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const t0 = performance.now();
  while (alive() && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(), false, `proxy ${pid} outlived its parent`);
});

test('a taken port fails with a message naming the port and mesh.port', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  const file = path.join(dir, 'taken.json');
  await writeFile(file, JSON.stringify(proxyConfig(testMesh({ port }), { users: [upstream] })));
  const child = startChild('proxy/main.ts', { label: 'mesh-proxy', args: ['--config', file] });
  const stdioClosed = once(child.process, 'close');
  try {
    const exit = await child.exited;
    await stdioClosed;
    assert.equal(exit.code, 3);
    assert.match(child.stderrTail(), new RegExp(`port 127\\.0\\.0\\.1:${port}`));
    assert.match(child.stderrTail(), /mesh\.port/);
  } finally {
    await child.stop();
    blocker.close();
  }
});
