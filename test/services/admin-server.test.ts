// Counters over HTTP: what the embedded runner asks a replica over IPC (counters, DB lock) a
// runner outside the pod asks its admin port — and the replica runs standalone from its env.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { after, test } from 'node:test';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { repoPath } from '../../src/runtime/child.ts';
import { serveServiceAdmin } from '../../src/services/admin-server.ts';
import type { ServiceConfig, ServiceCounters } from '../../src/services/protocol.ts';
import { readStandaloneConfig } from '../../src/services/standalone-config.ts';
import { startSyntheticService } from '../../src/services/synthetic-service.ts';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(closers.map((c) => c()));
});

const CONFIG: ServiceConfig = {
  name: 'users',
  replica: 0,
  host: '127.0.0.1',
  port: 0,
  serviceTime: { kind: 'fixed', ms: 5 },
  pool: 1,
  responseBytes: 10,
  seed: 1,
  calls: [],
};

function call(port: number, method: string, path: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('GET /admin/counters.json is the replica counters the runner reads over IPC', async () => {
  const service = await startSyntheticService(CONFIG);
  const admin = await serveServiceAdmin(service, '127.0.0.1', 0);
  closers.push(() => service.close(), () => admin.close());
  for (let i = 0; i < 3; i++) assert.equal((await call(service.port, 'GET', '/')).status, 200);
  const res = await call(admin.port, 'GET', '/admin/counters.json');
  assert.equal(res.status, 200);
  const counters = JSON.parse(res.body) as ServiceCounters;
  assert.deepEqual(counters, service.counters());
  assert.equal(counters.arrivals, 3);
  assert.equal(counters.completed, 3);
  assert.equal((await call(admin.port, 'GET', '/ready')).status, 200);
});

test('POST /admin/db-lock?ms=N locks the table for N ms; a bad N is a 400 that says the fix', async () => {
  const service = await startSyntheticService(CONFIG);
  const admin = await serveServiceAdmin(service, '127.0.0.1', 0);
  closers.push(() => service.close(), () => admin.close());
  await call(service.port, 'GET', '/');
  assert.equal((await call(admin.port, 'POST', '/admin/db-lock?ms=300')).status, 204);
  const during = await call(service.port, 'GET', '/');
  assert.equal(during.status, 200);
  assert.ok(during.ms >= 280, `a query waits out the lock, took ${during.ms.toFixed(0)} ms`);
  const after = await call(service.port, 'GET', '/');
  assert.ok(after.ms < 200, `the lock is gone afterwards, took ${after.ms.toFixed(0)} ms`);

  for (const bad of ['', '?ms=', '?ms=-5', '?ms=1.5', '?ms=abc']) {
    const res = await call(admin.port, 'POST', `/admin/db-lock${bad}`);
    assert.equal(res.status, 400, bad);
    assert.match(res.body, /use POST \/admin\/db-lock\?ms=3000/);
  }
  assert.equal((await call(admin.port, 'GET', '/admin/db-lock?ms=10')).status, 404, 'locking needs POST');
});

test('standalone config: read from the environment, admin on loopback:9991 unless told otherwise', () => {
  const env = { MESHBENCH_SERVICE_CONFIG: JSON.stringify(CONFIG) };
  assert.deepEqual(readStandaloneConfig(env), { service: CONFIG, admin: { host: '127.0.0.1', port: 9991 } });
  assert.deepEqual(readStandaloneConfig({ ...env, MESHBENCH_ADMIN_HOST: '0.0.0.0', MESHBENCH_ADMIN_PORT: '0' }).admin, { host: '0.0.0.0', port: 0 });

  const problem = (e: NodeJS.ProcessEnv) => {
    try {
      readStandaloneConfig(e);
    } catch (err) {
      assert.ok(isMeshbenchError(err) && err.code === 'E_SERVICE_CONFIG' && err.exitCode === 2);
      return err.message;
    }
    assert.fail('accepted a bad config');
  };
  assert.match(problem({}), /MESHBENCH_SERVICE_CONFIG is not set/);
  assert.match(problem({ MESHBENCH_SERVICE_CONFIG: '{nope' }), /is not JSON/);
  assert.match(problem({ MESHBENCH_SERVICE_CONFIG: JSON.stringify({ ...CONFIG, pool: 0, calls: undefined }) }), /missing or invalid pool, calls$/);
  assert.match(problem({ ...env, MESHBENCH_ADMIN_PORT: '70000' }), /MESHBENCH_ADMIN_PORT "70000" is not a TCP port/);
});

test('the service process runs standalone from its env, serves counters over HTTP, exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', repoPath('src/services/main.ts')], {
    env: { ...process.env, MESHBENCH_SERVICE_CONFIG: JSON.stringify(CONFIG), MESHBENCH_ADMIN_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  closers.push(async () => void child.kill('SIGKILL'));
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const m = /http:\/\/127\.0\.0\.1:(\d+) {2}admin http:\/\/127\.0\.0\.1:(\d+)\/admin\/counters\.json/.exec(line.toString());
  assert.ok(m, `startup line: ${line.toString()}`);
  const [port, adminPort] = [Number(m[1]), Number(m[2])];
  assert.equal((await call(port, 'GET', '/')).status, 200);
  assert.equal((JSON.parse((await call(adminPort, 'GET', '/admin/counters.json')).body) as ServiceCounters).arrivals, 1);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
});

test('a malformed config in a pod exits 2 and says what is wrong', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', repoPath('src/services/main.ts')], {
    env: { ...process.env, MESHBENCH_SERVICE_CONFIG: '{}' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 2);
  assert.match(stderr, /error E_SERVICE_CONFIG: MESHBENCH_SERVICE_CONFIG: missing or invalid name, replica, host, port/);
});
