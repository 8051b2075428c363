// The real local cluster (kube-apiserver, controller-manager, scheduler, two kubelets with their
// own containerd, kube-proxy in nftables mode): nodes, zones, the meshbench image, pod-to-pod
// traffic across nodes, a Service through kube-proxy and a hostPort (what the proxy DaemonSet
// uses) reached from the other node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { listNodes } from '../../src/cluster/kube-client.ts';
import { newRunId } from '../../src/runtime/ledger.ts';
import { clusterUnderTest, type ClusterUnderTest } from './cluster-fixture.ts';

const cluster = clusterUnderTest();
const skip = typeof cluster === 'string' ? cluster : false;
const namespace = `meshbench-test-${newRunId()}`;

const SERVER = `require('node:http').createServer((req, res) => res.end('hello from ' + process.env.NODE_NAME)).listen(8080, () => console.log('listening'))`;
const client = (url: string) =>
  `fetch(${JSON.stringify(url)}).then(r => r.text()).then(t => { console.log(t); process.exit(t.startsWith('hello from ') ? 0 : 1) }, e => { console.error(e); process.exit(2) })`;

function pod(name: string, zone: string, script: string, extra: { hostPort?: number; labels?: Record<string, string>; restartPolicy?: string } = {}): V1Pod {
  return {
    metadata: { name, namespace, labels: extra.labels },
    spec: {
      nodeSelector: { 'topology.kubernetes.io/zone': zone },
      restartPolicy: extra.restartPolicy ?? 'Never',
      containers: [
        {
          name: 'main',
          image: 'meshbench:dev',
          imagePullPolicy: 'Never',
          command: ['node', '-e', script],
          env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          ports: [{ containerPort: 8080, ...(extra.hostPort ? { hostPort: extra.hostPort } : {}) }],
          readinessProbe: extra.restartPolicy === 'Always' ? { tcpSocket: { port: 8080 }, periodSeconds: 1 } : undefined,
        },
      ],
    },
  };
}

describe('local cluster', { skip }, () => {
  const { kc } = cluster as ClusterUnderTest;
  const api = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Pod>(kc, `/api/v1/namespaces/${namespace}/pods`, () => api.listNamespacedPod({ namespace }));

  /** Resolves with the pod once `done` holds for it (watched, not polled). */
  const podWhere = (name: string, done: (p: V1Pod) => boolean, timeoutMs = 90_000) =>
    new Promise<V1Pod>((resolve, reject) => {
      const check = (p: V1Pod) => {
        if (p.metadata?.name === name && done(p)) {
          informer.off('add', check);
          informer.off('update', check);
          resolve(p);
        }
      };
      const timer = setTimeout(() => reject(new Error(`pod ${name} not as expected after ${timeoutMs} ms: ${JSON.stringify(informer.get(name, namespace)?.status)}`)), timeoutMs);
      timer.unref();
      informer.on('add', check);
      informer.on('update', check);
      const current = informer.get(name, namespace);
      if (current) check(current);
    });
  const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const finished = (p: V1Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

  before(async () => {
    await api.createNamespace({ body: { metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'meshbench-test' } } } });
    await informer.start();
  });
  after(async () => {
    await informer.stop();
    await api.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('has two Ready nodes in the zones no and de, reported by the real API server', async () => {
    const nodes = await listNodes(kc);
    assert.deepEqual(nodes.map((n) => [n.zone, n.ready]).sort(), [['de', true], ['no', true]]);
    for (const n of nodes) assert.equal(n.kubeletVersion, 'v1.34.4');
  });

  it('a pod of the meshbench image answers HTTP from a pod on the other node, by pod IP, Service and hostPort', async () => {
    const core = api;
    await core.createNamespacedPod({ namespace, body: pod('server', 'de', SERVER, { hostPort: 18080, labels: { app: 'server' }, restartPolicy: 'Always' }) });
    await core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'server' }, spec: { selector: { app: 'server' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    const server = await podWhere('server', ready);
    const podIp = server.status!.podIP!;
    const hostIp = server.status!.hostIP!;
    assert.match(podIp, /^10\.244\.1\./, 'the de node allocates from its own pod subnet');
    const svc = await core.readNamespacedService({ name: 'server', namespace });
    const targets = { byPodIp: `http://${podIp}:8080/`, byService: `http://${svc.spec!.clusterIP}/`, byHostPort: `http://${hostIp}:18080/` };
    for (const [name, url] of Object.entries(targets)) {
      await core.createNamespacedPod({ namespace, body: pod(`client-${name.toLowerCase()}`, 'no', client(url)) });
    }
    for (const name of Object.keys(targets)) {
      const p = await podWhere(`client-${name.toLowerCase()}`, finished);
      const log = await core.readNamespacedPodLog({ name: p.metadata!.name!, namespace });
      assert.equal(p.status?.phase, 'Succeeded', `${name}: ${log}`);
      assert.equal(p.spec?.nodeName, 'meshbench-no');
      assert.equal(log.trim(), 'hello from meshbench-de', name);
    }
  });
});
