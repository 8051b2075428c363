// /admin/stats.json: the counters and policy audit the embedded runner receives over IPC, read
// over HTTP by a runner that cannot reach the proxy's IPC channel (the proxy in a pod).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import type { ProxyStatsDocument } from '../../proxy/src/config.ts';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import { closeClientAgent, drive, proxyConfig, request, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

const upstreams: Upstream[] = [];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  closeClientAgent();
});

function getJson<T>(port: number, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 200 && /application\/json/.test(String(res.headers['content-type'])) ? resolve(JSON.parse(body) as T) : reject(new Error(`${res.statusCode}: ${body}`))));
      })
      .on('error', reject);
  });
}

test('GET /admin/stats.json holds the IPC stats (counters, audit) plus RSS, CPU time and the node', async () => {
  const no = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  const de = await startUpstream((_req, res) => res.writeHead(503).end('busy'));
  upstreams.push(no, de);
  const mesh = testMesh({ retry: { ...testMesh().retry, enabled: false } });
  const proxy = await startProxy(proxyConfig(mesh, { users: [{ address: no.address, labels: { zone: 'no' } }], orders: [{ address: de.address, labels: { zone: 'de' } }] }), { nodeName: 'worker-no' });
  try {
    await drive(10, 2, () => request(proxy.port, 'users'));
    await drive(4, 2, () => request(proxy.port, 'orders'));
    const doc = await getJson<ProxyStatsDocument>(proxy.adminPort, '/admin/stats.json');
    const ipc = proxy.stats();
    assert.equal(doc.node, 'worker-no');
    assert.deepEqual(doc.audit, ipc.audit);
    for (const [name, value] of Object.entries(ipc.counters)) assert.equal(doc.counters[name], value, name);
    assert.equal(doc.counters.requests, 14);
    assert.equal(doc.counters.responses_2xx, 10);
    assert.equal(doc.counters.responses_5xx, 4);
    assert.deepEqual(doc.audit.map((r) => `${r.route}@${r.zone}=${r.requests}`).sort(), ['default@de=4', 'default@no=10']);
    const rss = doc.counters.process_resident_memory_bytes!;
    assert.ok(rss > 10 * 2 ** 20 && rss < 4 * 2 ** 30, `RSS of this process, got ${rss}`);
    assert.ok(doc.counters.process_cpu_seconds_total! > 0);
  } finally {
    await proxy.close();
  }
});

test('outside a cluster the node is null', async () => {
  const proxy = await startProxy(proxyConfig(testMesh(), {}));
  try {
    assert.equal((await getJson<ProxyStatsDocument>(proxy.adminPort, '/admin/stats.json')).node, null);
  } finally {
    await proxy.close();
  }
});
