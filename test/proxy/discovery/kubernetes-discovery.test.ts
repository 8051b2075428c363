// Discovery against a REAL kube-apiserver (the local cluster of `meshbench cluster up`, or any
// cluster in MESHBENCH_KUBECONFIG): informers over EndpointSlices and Nodes, endpoint sets
// following creates, updates and deletes, zones learned from the real nodes' labels, and the
// proxy deciding policy routes on them. Objects live only in a meshbench-test-* namespace that
// `after` deletes. The addresses are never connected to (the API refuses loopback addresses in
// EndpointSlices, and tests send traffic to loopback only): routing with real upstreams under
// changing endpoint sets is endpoint-updates.test.ts. Without a reachable cluster it skips and
// says why; the unreachable-server test below always runs.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CoreV1Api, DiscoveryV1Api, KubeConfig, type V1Endpoint, type V1Node } from '@kubernetes/client-node';
import { probeCluster, TEST_KUBECONFIG, TEST_LABELS, testNamespaceName } from '../../fixtures/kube-cluster.ts';
import type { EndpointConfig } from '../../../proxy/src/config.ts';
import type { EndpointSets } from '../../../proxy/src/discovery/endpoint-source.ts';
import { backoffMs, kubernetesEndpointSource } from '../../../proxy/src/discovery/kubernetes-discovery.ts';
import { PROXY_ERROR_HEADER } from '../../../proxy/src/proxy-error.ts';
import { startProxy } from '../../../proxy/src/start-proxy.ts';
import { closeClientAgent, request, testMesh } from '../proxy-harness.ts';

const KUBECONFIG = TEST_KUBECONFIG;
const MANAGED = TEST_LABELS;

const cluster = await probeCluster();
const skip = typeof cluster === 'string' ? cluster : false;
const namespace = testNamespaceName();
let created = false;

after(async () => {
  closeClientAgent();
  if (typeof cluster !== 'string' && created) await cluster.kc.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
});

async function setUpNamespace(kc: KubeConfig): Promise<void> {
  if (created) return;
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace, labels: MANAGED } } });
  created = true;
  for (const name of ['user-service', 'frontend']) {
    // Selectorless: no controller writes slices for them; the test plays the EndpointSlice controller.
    await core.createNamespacedService({ namespace, body: { metadata: { name, labels: MANAGED }, spec: { ports: [{ name: 'http', port: 8080 }] } } });
  }
}

function sliceBody(name: string, service: string, endpoints: V1Endpoint[]) {
  return {
    metadata: { name, labels: { ...MANAGED, 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'meshbench-test' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints,
  };
}

const zoneOf = (node: V1Node): Record<string, string> => {
  const zone = node.metadata?.labels?.['topology.kubernetes.io/zone'];
  return zone ? { zone } : {};
};

/** Updates as they arrive, and a way to wait (event-driven, with a deadline) for one that fits. */
function collector() {
  let latest: EndpointSets | null = null;
  const waiters: Array<{ fits: (s: EndpointSets) => boolean; resolve: (s: EndpointSets) => void }> = [];
  return {
    update(sets: EndpointSets) {
      latest = sets;
      for (const w of [...waiters]) if (w.fits(sets)) w.resolve(sets);
    },
    until(fits: (s: EndpointSets) => boolean, what: string): Promise<EndpointSets> {
      if (latest && fits(latest)) return Promise.resolve(latest);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no update with ${what} within 15 s; last: ${JSON.stringify([...(latest ?? [])])}`)), 15_000);
        waiters.push({ fits, resolve: (s) => (clearTimeout(timer), resolve(s)) });
      });
    },
  };
}

const addresses = (eps: readonly EndpointConfig[] | undefined) => (eps ?? []).map((e) => e.address);

test('informers over a real API server: endpoint sets follow EndpointSlice creates, updates and deletes; zones come from the real nodes', { skip }, async () => {
  const { kc, nodes } = cluster as Exclude<typeof cluster, string>;
  await setUpNamespace(kc);
  const api = kc.makeApiClient(DiscoveryV1Api);
  const [first, second = first] = nodes;
  const firstName = first!.metadata!.name!;
  await api.createNamespacedEndpointSlice({
    namespace,
    body: sliceBody('user-service-a', 'user-service', [
      { addresses: ['10.99.0.1'], nodeName: firstName },
      { addresses: ['10.99.0.2'], nodeName: second!.metadata!.name!, zone: 'explicit-zone' },
      { addresses: ['10.99.0.3'], nodeName: firstName, conditions: { ready: false } },
    ]),
  });

  const seen = collector();
  const source = kubernetesEndpointSource({ kind: 'kubernetes', namespace, services: ['user-service', 'frontend'], portName: 'http', kubeconfig: KUBECONFIG });
  try {
    await source.start((sets) => seen.update(sets));
    const synced = await seen.until((s) => s.has('user-service'), 'the first full set');
    assert.deepEqual(synced.get('user-service'), [
      { address: '10.99.0.1:8080', labels: zoneOf(first!) },
      { address: '10.99.0.2:8080', labels: { zone: 'explicit-zone' } },
    ]);
    assert.deepEqual(synced.get('frontend'), []);

    await api.replaceNamespacedEndpointSlice({
      name: 'user-service-a',
      namespace,
      body: sliceBody('user-service-a', 'user-service', [
        { addresses: ['10.99.0.1'], nodeName: firstName },
        { addresses: ['10.99.0.3'], nodeName: firstName, conditions: { ready: true } },
      ]),
    });
    const updated = await seen.until((s) => addresses(s.get('user-service')).includes('10.99.0.3:8080'), 'the endpoint that became ready');
    assert.deepEqual(addresses(updated.get('user-service')), ['10.99.0.1:8080', '10.99.0.3:8080']);

    await api.createNamespacedEndpointSlice({ namespace, body: sliceBody('frontend-a', 'frontend', [{ addresses: ['10.99.1.1'], nodeName: firstName }]) });
    await seen.until((s) => addresses(s.get('frontend')).join() === '10.99.1.1:8080', 'the new frontend slice');

    await api.deleteNamespacedEndpointSlice({ name: 'user-service-a', namespace });
    const gone = await seen.until((s) => s.get('user-service')?.length === 0, 'user-service empty after its slice is deleted');
    assert.deepEqual(addresses(gone.get('frontend')), ['10.99.1.1:8080'], 'other destinations are untouched');
  } finally {
    await source.stop();
  }
});

test('a proxy configured for discovery gets its endpoints from the API server and routes by their node zones', { skip }, async (t) => {
  const { kc, nodes } = cluster as Exclude<typeof cluster, string>;
  const zoned = nodes.find((n) => zoneOf(n).zone !== undefined && zoneOf(n).zone !== 'no');
  if (!zoned) return t.skip('the cluster needs a node labelled topology.kubernetes.io/zone other than "no"');
  await setUpNamespace(kc);
  const api = kc.makeApiClient(DiscoveryV1Api);
  await api.createNamespacedEndpointSlice({ namespace, body: sliceBody('orders-a', 'orders', [{ addresses: ['10.99.2.1'], nodeName: zoned.metadata!.name! }]) });

  const mesh = testMesh({ routes: [{ name: 'norway', match: { header: 'x-data-class', value: 'sensitive-norway' }, subset: { zone: 'no' }, failClosed: true }] });
  const proxy = await startProxy({
    mesh,
    destinations: { orders: { endpoints: [] } },
    discovery: { kind: 'kubernetes', namespace, services: ['orders'], portName: 'http', kubeconfig: KUBECONFIG },
  });
  try {
    await proxy.ready;
    const state = (await (await fetch(`http://127.0.0.1:${proxy.adminPort}/admin/state.json`)).json()) as { destinations: Array<{ name: string; endpoints: Array<{ address: string; labels: Record<string, string> }> }> };
    assert.deepEqual(state.destinations[0]!.endpoints.map((e) => [e.address, e.labels]), [['10.99.2.1:8080', zoneOf(zoned)]]);
    // Decided without connecting anywhere: the only endpoint is outside zone no.
    const sensitive = await request(proxy.port, 'orders', { headers: { 'x-data-class': 'sensitive-norway' } });
    assert.equal(sensitive.status, 503);
    assert.equal(sensitive.headers[PROXY_ERROR_HEADER], 'no-subset-endpoint');
    assert.equal((await fetch(`http://127.0.0.1:${proxy.adminPort}/ready`)).status, 200);
  } finally {
    await proxy.close();
  }
});

test('an unreachable API server: no sync, retries with growing waits, and stop() ends them', async () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'nowhere', server: 'http://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'nowhere', cluster: 'nowhere', user: 'nobody' }],
    currentContext: 'nowhere',
  });
  const lines: string[] = [];
  const waits: number[] = [];
  const source = kubernetesEndpointSource(
    { kind: 'kubernetes', namespace: 'meshbench-test-none', services: ['users'], portName: 'http' },
    { kubeConfig: kc, log: (l) => lines.push(l), retryDelayMs: (n) => (waits.push(n), 20 * (n + 1)) },
  );
  let synced = false;
  void source.start(() => {}).then(() => (synced = true));
  await new Promise((r) => setTimeout(r, 400));
  await source.stop();
  const atStop = lines.length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(synced, false);
  assert.ok(lines.some((l) => /watching EndpointSlices in meshbench-test-none failed .*; trying again in \d+ ms/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /watching Nodes failed/.test(l)), lines.join('\n'));
  assert.ok(Math.max(...waits) >= 2, `the wait grows with consecutive failures, saw failures ${waits.join(',')}`);
  assert.equal(lines.length, atStop, 'nothing retries after stop()');
  assert.deepEqual([0, 1, 2, 5, 6, 10].map(backoffMs), [500, 1000, 2000, 16_000, 30_000, 30_000]);
});
