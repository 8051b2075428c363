import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { startProxy } from '../../proxy/src/start-proxy.ts';
import { closeClientAgent, drive, proxyConfig, request, startUpstream, testMesh, type Upstream } from './proxy-harness.ts';

const upstreams: Upstream[] = [];
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  closeClientAgent();
});

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/;

function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = SAMPLE.exec(line);
    assert.ok(m, `not Prometheus text: ${line}`);
    samples.set(line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return samples;
}

test('/metrics is Prometheus text and counts requests, latency, attempts and errors', async () => {
  const ok = await startUpstream((_req, res) => res.writeHead(200).end('ok'));
  upstreams.push(ok);
  const proxy = await startProxy(proxyConfig(testMesh(), { users: [{ address: ok.address, labels: { zone: 'oslo' } }] }));
  try {
    await drive(25, 5, () => request(proxy.port, 'users'));
    await request(proxy.port, 'nobody');
    const res = await get(proxy.adminPort, '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/plain; version=0\.0\.4/);
    const m = parsePrometheus(res.body);
    assert.equal(m.get('meshbench_proxy_requests_total{destination="users",route="default",class="2xx"}'), 25);
    assert.equal(m.get('meshbench_proxy_request_duration_seconds_count{destination="users",route="default"}'), 25);
    assert.equal(m.get('meshbench_proxy_request_duration_seconds_bucket{destination="users",route="default",le="+Inf"}'), 25);
    assert.equal(m.get(`meshbench_proxy_endpoint_requests_total{destination="users",endpoint="${ok.address}",zone="oslo",class="2xx"}`), 25);
    assert.equal(m.get('meshbench_proxy_audit_requests_total{destination="users",route="default",zone="oslo"}'), 25);
    assert.equal(m.get('meshbench_proxy_proxy_errors_total{reason="no-route"}'), 1);
    assert.ok(m.get(`meshbench_proxy_endpoint_ewma_rtt_seconds{destination="users",endpoint="${ok.address}"}`)! > 0);
    for (const name of ['retries_total', 'retry_budget_refusals_total', 'shed_total', 'deadline_exceeded_total']) {
      assert.equal(m.get(`meshbench_proxy_${name}{destination="users"}`), 0, name);
    }

    const state = await get(proxy.adminPort, '/admin/state.json');
    const parsed = JSON.parse(state.body) as { destinations: Array<{ name: string; stacks: Record<string, string[]>; endpoints: Array<{ breaker: string }> }> };
    assert.equal(parsed.destinations[0]!.name, 'users');
    assert.deepEqual(parsed.destinations[0]!.stacks.default, ['metrics', 'admission', 'deadline', 'retry', 'balancer(p2c-ewma)']);
    assert.equal(parsed.destinations[0]!.endpoints[0]!.breaker, 'closed');

    const { counters } = proxy.stats();
    assert.equal(counters.requests, 26);
    assert.equal(counters.responses_2xx, 25);
    assert.equal(counters.responses_4xx, 1);
    assert.equal(counters.proxy_error_no_route, 1);
  } finally {
    await proxy.close();
  }
});
