// The cluster's desired state as data: what a run and each arm deploy, derived from the
// scenario alone — run labels on everything, zones as node affinity, the seed's proxy
// DaemonSet (hostPort 4140, admin 9990, NODE_NAME, 200m/256Mi–500m/512Mi) or sidecars, the
// provider's injection, the load Job's rate split, the chaos agent's privileges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject, V1ClusterRole, V1ConfigMap, V1Container, V1DaemonSet, V1Deployment, V1Job, V1Namespace, V1PodTemplateSpec, V1Role, V1RoleBinding, V1Service } from '@kubernetes/client-node';
import type { ProxyConfig } from '../../../proxy/src/config.ts';
import { armObjects, runObjects } from '../../../src/backend/kubernetes/manifests/cluster-objects.ts';
import { generatorShare, loadJob, loadTargets } from '../../../src/backend/kubernetes/manifests/load-job.ts';
import { toxicLinkProblems } from '../../../src/backend/kubernetes/manifests/toxiproxy.ts';
import type { LoadgenConfig } from '../../../src/load/types.ts';
import { parseScenario } from '../../../src/scenario/parse.ts';
import type { Scenario } from '../../../src/scenario/types.ts';
import type { ServiceConfig } from '../../../src/services/protocol.ts';

const RUN = 'ab12cd34';
const NS = `meshbench-${RUN}`;
const RUN_LABELS = { 'app.kubernetes.io/managed-by': 'meshbench', 'meshbench.dev/run': RUN };

function scenario(extra = '', backend = 'backend: kubernetes'): Scenario {
  return parseScenario(
    `${backend}
seed: 7
topology:
  entry: frontend
  services:
    - name: frontend
      calls: [{service: user-service, timeout: 200ms, retries: 3}]
    - name: user-service
      zones: [no, de, de]
      pool: 8
      serviceTime: 10ms
load: {rate: 800, duration: 10s, generators: 2, ramp: {from: 100, over: 2s}}
${extra}`,
    'k8s.yaml',
  );
}

const ROUTES = 'mesh:\n  routes: [{name: norway, match: {header: x-data-class, value: sensitive-norway}, subset: {zone: no}}]\n';
const LOSS = 'faults: [{kind: loss, target: user-service, at: 1s, duration: 2s, percent: 3}]\n';

function loadConfig(s: Scenario, arm: 'direct' | 'meshed'): LoadgenConfig {
  return { ...loadTargets(s, arm), load: s.load, seed: 11 };
}

function everything(s: Scenario): KubernetesObject[] {
  return [...runObjects(s, RUN, 'tok'), ...armObjects(s, 'direct', RUN), ...armObjects(s, 'meshed', RUN), loadJob(s, 'direct', RUN, 'load-direct-0', loadConfig(s, 'direct')), loadJob(s, 'meshed', RUN, 'load-meshed-0', loadConfig(s, 'meshed'))];
}

const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name) as T | undefined;
const all = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind) as T[];
const templateOf = (o: KubernetesObject) => (o as V1Deployment).spec!.template as V1PodTemplateSpec;
const envOf = (c: V1Container, name: string) => c.env?.find((e) => e.name === name);
const configOf = (d: V1Deployment): ServiceConfig => JSON.parse(envOf(d.spec!.template.spec!.containers[0]!, 'MESHBENCH_SERVICE_CONFIG')!.value!) as ServiceConfig;
const CLUSTER_SCOPED = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'];

test('every object and every pod template carries the run labels; names keep runs apart', () => {
  for (const s of [scenario(ROUTES + LOSS), scenario('mesh: {deploy: sidecar}\n'), scenario('mesh: {provider: linkerd}\n'), scenario('mesh: {provider: istio}\n')]) {
    const objects = everything(s);
    for (const o of objects) {
      const what = `${o.kind}/${o.metadata?.name}`;
      assert.ok(o.apiVersion && o.kind, `${what} has apiVersion and kind (server-side apply needs them)`);
      assert.deepEqual({ ...o.metadata!.labels, ...RUN_LABELS }, o.metadata!.labels, `${what} carries the run labels`);
      if (CLUSTER_SCOPED.includes(o.kind!)) {
        assert.equal(o.metadata!.namespace, undefined, what);
        assert.ok(o.metadata!.name!.includes(RUN), `${what}: a cluster-scoped name carries the run id`);
      } else {
        assert.equal(o.metadata!.namespace, NS, `${what} lives in the run's namespace`);
      }
      if (['Deployment', 'DaemonSet', 'Job'].includes(o.kind!)) {
        const labels = templateOf(o).metadata!.labels!;
        assert.deepEqual({ ...labels, ...RUN_LABELS }, labels, `${what}: its pods carry the run labels`);
      }
    }
  }
});

test('the namespace: meshbench-<run id> (or backend.namespace), labelled for clean; privileged only with the chaos agent', () => {
  const ns = runObjects(scenario(), RUN, 'tok')[0] as V1Namespace;
  assert.deepEqual(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: RUN_LABELS } });
  const withAgent = runObjects(scenario(LOSS), RUN, 'tok')[0] as V1Namespace;
  assert.equal(withAgent.metadata!.labels!['pod-security.kubernetes.io/enforce'], 'privileged');
  const named = runObjects(scenario('', 'backend: {kind: kubernetes, namespace: bench-a}'), RUN, 'tok');
  assert.ok(named.every((o) => o.metadata!.name === 'bench-a' || o.metadata!.namespace === 'bench-a' || CLUSTER_SCOPED.includes(o.kind!)));
});

test('synthetic services: a Service each, a Deployment per zone pinned by node affinity, config in the env', () => {
  const s = scenario();
  const objects = armObjects(s, 'direct', RUN);
  const svc = find<V1Service>(objects, 'Service', 'user-service')!;
  assert.deepEqual(svc.spec!.ports!.map((p) => [p.name, p.port]), [['http', 8080], ['admin', 9991]]);
  assert.deepEqual(svc.spec!.selector, { 'meshbench.dev/run': RUN, 'meshbench.dev/arm': 'direct', 'meshbench.dev/service': 'user-service' });

  const deployments = all<V1Deployment>(objects, 'Deployment');
  assert.deepEqual(deployments.map((d) => [d.metadata!.name, d.spec!.replicas]), [['frontend', 1], ['user-service-zone-no', 1], ['user-service-zone-de', 2]]);
  const de = find<V1Deployment>(objects, 'Deployment', 'user-service-zone-de')!;
  assert.deepEqual(de.spec!.template.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms, [
    { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['de'] }] },
  ]);
  assert.equal(find<V1Deployment>(objects, 'Deployment', 'frontend')!.spec!.template.spec!.affinity, undefined);
  for (const d of deployments) {
    const selector = d.spec!.selector.matchLabels!;
    assert.deepEqual({ ...d.spec!.template.metadata!.labels, ...selector }, d.spec!.template.metadata!.labels, `${d.metadata!.name}: its selector matches its pods`);
    const podLabels = d.spec!.template.metadata!.labels!;
    const selected: boolean = Object.entries(svc.spec!.selector!).every(([k, v]) => podLabels[k] === v);
    assert.equal(selected, d.metadata!.name!.startsWith('user-service'), `${d.metadata!.name}: the user-service Service selects exactly its pods`);
  }

  const config = configOf(de);
  assert.deepEqual({ ...config, calls: undefined }, { name: 'user-service', replica: 1, host: '0.0.0.0', port: 8080, serviceTime: { kind: 'fixed', ms: 10 }, pool: 8, responseBytes: 128, seed: config.seed, calls: undefined, replicas: 3, contention: null });
  const container = de.spec!.template.spec!.containers[0]!;
  assert.equal(container.image, 'meshbench:dev');
  assert.equal(container.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(container.args, ['/app/dist/service.mjs']);
  assert.equal(envOf(container, 'MESHBENCH_ADMIN_HOST')!.value, '0.0.0.0', 'the runner reads counters from outside the pod');
  assert.equal(envOf(container, 'MESHBENCH_ADMIN_PORT')!.value, '9991');
});

test('direct calls the Service with the app retries; meshed calls the node-local proxy at $(HOST_IP):4140 with retries off', () => {
  const s = scenario(ROUTES);
  const direct = find<V1Deployment>(armObjects(s, 'direct', RUN), 'Deployment', 'frontend')!;
  assert.deepEqual(configOf(direct).calls, [{ service: 'user-service', targets: ['user-service:8080'], hostHeader: 'user-service', retry: { timeoutMs: 200, retries: 3, backoffMs: 0 } }]);
  assert.equal(envOf(direct.spec!.template.spec!.containers[0]!, 'HOST_IP'), undefined);

  const meshed = find<V1Deployment>(armObjects(s, 'meshed', RUN), 'Deployment', 'frontend')!;
  assert.deepEqual(configOf(meshed).calls, [{ service: 'user-service', targets: ['$(HOST_IP):4140'], hostHeader: 'user-service', retry: { timeoutMs: null, retries: 0, backoffMs: 0 } }]);
  const env = meshed.spec!.template.spec!.containers[0]!.env!;
  assert.deepEqual(env[0], { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
  assert.ok(env.findIndex((e) => e.name === 'HOST_IP') < env.findIndex((e) => e.name === 'MESHBENCH_SERVICE_CONFIG'), 'Kubernetes expands $(HOST_IP) only in later variables');
});

test('the proxy DaemonSet is the seed\'s: hostPort 4140, admin 9990, NODE_NAME, 200m/256Mi requests, 500m/512Mi limits', () => {
  const s = scenario(ROUTES);
  const meshed = armObjects(s, 'meshed', RUN);
  const ds = find<V1DaemonSet>(meshed, 'DaemonSet', 'mesh-proxy')!;
  const pod = ds.spec!.template.spec!;
  const proxy = pod.containers[0]!;
  assert.equal(pod.serviceAccountName, 'mesh-proxy');
  assert.deepEqual(proxy.args, ['/app/dist/proxy.mjs', '--config', '/etc/meshbench/proxy.json']);
  assert.deepEqual(proxy.ports, [
    { name: 'outgoing', containerPort: 4140, protocol: 'TCP', hostPort: 4140 },
    { name: 'proxy-admin', containerPort: 9990, protocol: 'TCP' },
  ]);
  assert.deepEqual(envOf(proxy, 'NODE_NAME'), { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  assert.deepEqual(proxy.resources, { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  assert.deepEqual(proxy.readinessProbe!.httpGet, { path: '/ready', port: 'proxy-admin' });
  assert.deepEqual(pod.volumes, [{ name: 'mesh-proxy-config', configMap: { name: 'mesh-proxy' } }]);
  assert.equal(all(armObjects(s, 'direct', RUN), 'DaemonSet').length, 0, 'the direct arm has no proxy');

  const config = JSON.parse(find<V1ConfigMap>(meshed, 'ConfigMap', 'mesh-proxy')!.data!['proxy.json']!) as ProxyConfig;
  assert.deepEqual(config.discovery, { kind: 'kubernetes', namespace: NS, services: ['frontend', 'user-service'], portName: 'http' });
  assert.deepEqual(config.destinations, { frontend: { endpoints: [] }, 'user-service': { endpoints: [] } });
  assert.deepEqual([config.mesh.port, config.mesh.adminPort, config.mesh.bindAddress], [4140, 9990, '0.0.0.0']);
  assert.deepEqual(config.mesh.routes, s.mesh.routes, 'policy routes travel to the proxy; zones come from discovery');

  const custom = scenario('mesh:\n  resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 1, memory: 1Gi}}\n', 'backend: {kind: kubernetes, image: registry.example/meshbench:0.1.0, imagePullPolicy: Always}');
  const customProxy = find<V1DaemonSet>(armObjects(custom, 'meshed', RUN), 'DaemonSet', 'mesh-proxy')!.spec!.template.spec!.containers[0]!;
  assert.deepEqual(customProxy.resources, { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  assert.equal(customProxy.image, 'registry.example/meshbench:0.1.0');
  assert.ok(everything(custom).flatMap((o) => (['Deployment', 'DaemonSet', 'Job'].includes(o.kind!) ? [...(templateOf(o).spec!.initContainers ?? []), ...templateOf(o).spec!.containers] : [])).every((c) => c.image === 'registry.example/meshbench:0.1.0' && c.imagePullPolicy === 'Always'));
});

test('the proxy may watch EndpointSlices in its namespace and Nodes, nothing more', () => {
  const objects = runObjects(scenario(), RUN, 'tok');
  const role = find<V1Role>(objects, 'Role', 'mesh-proxy')!;
  assert.deepEqual(role.rules, [{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] }]);
  const nodes = find<V1ClusterRole>(objects, 'ClusterRole', `meshbench-${RUN}-mesh-proxy`)!;
  assert.deepEqual(nodes.rules, [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]);
  for (const [kind, name, roleKind, roleName] of [['RoleBinding', 'mesh-proxy', 'Role', 'mesh-proxy'], ['ClusterRoleBinding', `meshbench-${RUN}-mesh-proxy`, 'ClusterRole', `meshbench-${RUN}-mesh-proxy`]] as const) {
    const binding = find<V1RoleBinding>(objects, kind, name)!;
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'mesh-proxy', namespace: NS }]);
  }
  assert.ok(find(objects, 'ServiceAccount', 'mesh-proxy'));
});

test('mesh.deploy: sidecar puts a native-sidecar proxy in every meshed pod, reached at 127.0.0.1:4140', () => {
  const s = scenario('mesh: {deploy: sidecar}\n');
  const meshed = armObjects(s, 'meshed', RUN);
  assert.equal(all(meshed, 'DaemonSet').length, 0);
  assert.ok(find(meshed, 'ConfigMap', 'mesh-proxy'));
  for (const d of all<V1Deployment>(meshed, 'Deployment')) {
    const pod = d.spec!.template.spec!;
    assert.equal(pod.serviceAccountName, 'mesh-proxy');
    assert.equal(pod.initContainers![0]!.name, 'mesh-proxy');
    assert.equal(pod.initContainers![0]!.restartPolicy, 'Always');
    assert.ok(pod.initContainers![0]!.ports!.every((p) => p.hostPort === undefined));
    assert.equal(envOf(pod.containers[0]!, 'HOST_IP'), undefined);
  }
  assert.deepEqual(configOf(find<V1Deployment>(meshed, 'Deployment', 'frontend')!).calls[0]!.targets, ['127.0.0.1:4140']);
  assert.ok(all<V1Deployment>(armObjects(s, 'direct', RUN), 'Deployment').every((d) => d.spec!.template.spec!.initContainers === undefined));
  const job = loadJob(s, 'meshed', RUN, 'load', loadConfig(s, 'meshed'));
  assert.equal(job.spec!.template.spec!.initContainers![0]!.name, 'mesh-proxy', 'the load generator reaches the mesh through its own sidecar');
});

test('linkerd and istio: no bundled proxy, the meshed namespace asks for injection, app retries off', () => {
  for (const [provider, expect] of [
    ['linkerd', (ns: V1Namespace) => ns.metadata!.annotations?.['linkerd.io/inject']],
    ['istio', (ns: V1Namespace) => ns.metadata!.labels?.['istio-injection']],
  ] as const) {
    const s = scenario(`mesh: {provider: ${provider}}\n`);
    assert.equal(expect(find<V1Namespace>(armObjects(s, 'meshed', RUN), 'Namespace', NS)!), 'enabled', provider);
    assert.equal(expect(find<V1Namespace>(armObjects(s, 'direct', RUN), 'Namespace', NS)!), undefined, `${provider}: the direct arm is not injected`);
    assert.equal(expect(runObjects(s, RUN, 'tok')[0] as V1Namespace), undefined);
    const meshed = [...runObjects(s, RUN, 'tok'), ...armObjects(s, 'meshed', RUN)];
    assert.ok(meshed.every((o) => o.metadata!.name !== 'mesh-proxy' && !o.metadata!.name!.endsWith('mesh-proxy')), `${provider}: nothing of the bundled proxy`);
    const frontend = find<V1Deployment>(meshed, 'Deployment', 'frontend')!;
    assert.deepEqual(configOf(frontend).calls[0]!.targets, ['user-service:8080']);
    assert.deepEqual(configOf(frontend).calls[0]!.retry, { timeoutMs: null, retries: 0, backoffMs: 0 });
    assert.deepEqual(loadTargets(s, 'meshed'), { targets: ['http://frontend:8080'], hostHeader: null });
  }
});

test('the load Job: load.generators Indexed pods, each offering an equal share of the rate', () => {
  const s = scenario();
  assert.deepEqual(loadTargets(s, 'direct'), { targets: ['http://frontend:8080'], hostHeader: null });
  assert.deepEqual(loadTargets(s, 'meshed'), { targets: ['http://$(HOST_IP):4140'], hostHeader: 'frontend' });
  const job = loadJob(s, 'meshed', RUN, 'load-meshed-1', loadConfig(s, 'meshed')) as V1Job;
  assert.deepEqual([job.spec!.completionMode, job.spec!.completions, job.spec!.parallelism, job.spec!.backoffLimit], ['Indexed', 2, 2, 0]);
  const pod = job.spec!.template.spec!;
  assert.equal(pod.restartPolicy, 'Never');
  const container = pod.containers[0]!;
  assert.deepEqual(container.args, ['/app/dist/load-pod.mjs']);
  assert.equal(container.env![0]!.name, 'HOST_IP');
  const config = JSON.parse(envOf(container, 'MESHBENCH_LOAD_CONFIG')!.value!) as LoadgenConfig;
  assert.deepEqual([config.targets, config.hostHeader, config.seed], [['http://$(HOST_IP):4140'], 'frontend', 11]);
  assert.deepEqual([config.load.rate, config.load.ramp, config.load.maxInFlight, config.load.generators], [400, { fromRate: 50, overS: 2 }, 400, 2]);
  for (const n of [1, 3, 7]) {
    const share = generatorShare({ ...s.load, generators: n });
    assert.ok(Math.abs(share.rate * n - s.load.rate) < 1e-9 && Math.abs(share.ramp!.fromRate * n - 100) < 1e-9, `${n} generators offer the scenario's rate together`);
    assert.ok(share.maxInFlight * n >= s.load.maxInFlight);
  }
});

test('the chaos agent: only for pod-level faults; privileged with the host PID namespace, no API token, requests but no limits, authenticated by the run\'s secret', () => {
  assert.equal(runObjects(scenario(), RUN, 'tok').filter((o) => o.metadata!.name?.includes('chaos-agent')).length, 0);
  const objects = runObjects(scenario(LOSS), RUN, 'tok');
  const ds = find<V1DaemonSet>(objects, 'DaemonSet', 'chaos-agent')!;
  const pod = ds.spec!.template.spec!;
  assert.equal(pod.hostPID, true);
  assert.equal(pod.automountServiceAccountToken, false, 'the agent talks to no API server');
  const agent = pod.containers[0]!;
  assert.deepEqual(agent.args, ['/app/dist/chaos-agent.mjs']);
  assert.deepEqual(agent.securityContext, { privileged: true, runAsUser: 0 });
  assert.deepEqual(agent.resources, { requests: { cpu: '10m', memory: '64Mi' } }, 'Burstable (not evicted first), and no limit that could kill it mid-fault');
  assert.deepEqual(envOf(agent, 'AGENT_TOKEN')!.valueFrom, { secretKeyRef: { name: 'chaos-agent-token', key: 'token' } });
  assert.deepEqual(ds.spec!.template.metadata!.annotations, { 'linkerd.io/inject': 'disabled', 'sidecar.istio.io/inject': 'false' });
  const secret = objects.find((o) => o.kind === 'Secret') as { stringData: { token: string }; metadata: { namespace: string } };
  assert.equal(secret.stringData.token, 'tok');
  assert.equal(secret.metadata.namespace, NS);
  assert.equal(objects.filter((o) => o.kind === 'ClusterRole' && o.metadata!.name!.includes('chaos-agent')).length, 0);
});

test('no service, load or proxy pod is BestEffort: each container requests CPU and memory, backend.requests sets them', () => {
  const qos = (objects: KubernetesObject[]) =>
    objects
      .filter((o) => ['Deployment', 'DaemonSet', 'Job'].includes(o.kind!) && o.metadata?.labels?.['app.kubernetes.io/component'] !== 'chaos-agent')
      .flatMap((o) => {
        const pod = templateOf(o).spec!;
        return [...(pod.initContainers ?? []), ...pod.containers].map((c) => [`${o.kind}/${o.metadata!.name}/${c.name}`, c.resources?.requests ?? null] as const);
      });
  for (const deploy of ['daemonset', 'sidecar']) {
    const rows = qos(everything(scenario(`mesh: {deploy: ${deploy}}\n`)));
    assert.ok(rows.length >= 8, JSON.stringify(rows));
    for (const [name, requests] of rows) assert.ok(requests?.cpu && requests?.memory, `${name} requests ${JSON.stringify(requests)}`);
  }
  const requestsOf = (s: Scenario, prefix: string) => qos(everything(s)).find(([name]) => name.startsWith(prefix))?.[1];
  assert.deepEqual(requestsOf(scenario(), 'Deployment/user-service'), { cpu: '50m', memory: '64Mi' });
  assert.deepEqual(requestsOf(scenario(), 'Job/'), { cpu: '250m', memory: '128Mi' });
  assert.deepEqual(requestsOf(scenario(), 'DaemonSet/mesh-proxy'), { cpu: '200m', memory: '256Mi' });
  const custom = scenario('', 'backend: {kind: kubernetes, requests: {services: {cpu: 20m, memory: 32Mi}, load: {cpu: "1", memory: 256Mi}}}');
  assert.deepEqual(requestsOf(custom, 'Deployment/user-service'), { cpu: '20m', memory: '32Mi' });
  assert.deepEqual(requestsOf(custom, 'Job/'), { cpu: '1', memory: '256Mi' });
  assert.throws(() => scenario('', 'backend: {kind: kubernetes, requests: {load: {cpu: lots}}}'), /backend\.requests\.load\.cpu.*"lots" is not a cpu quantity/s);
  assert.throws(() => scenario('', 'backend: {kind: embedded, requests: {load: {cpu: 1}}}'), /backend\.requests.*applies only to backend kind kubernetes/s);
});

test('a toxic link goes through the arm\'s Toxiproxy: the caller\'s address (direct), the proxy\'s destination (meshed); other links untouched', () => {
  const topology = (extraCaller = '') => `name: toxic-link
backend: kubernetes
topology:
  entry: frontend
  services:
    - {name: frontend, calls: [user-service, db]}
    - {name: user-service}
    - {name: db}${extraCaller}
load: {rate: 10, duration: 10s}
`;
  const s = parseScenario(`${topology()}faults: [{kind: latency, target: frontend->user-service, at: 1s, duration: 2s, latency: 40ms}]\n`, 'toxic.yaml');
  const direct = armObjects(s, 'direct', RUN);
  assert.deepEqual(configOf(find<V1Deployment>(direct, 'Deployment', 'frontend')!).calls.map((c) => [c.service, c.targets]), [['user-service', ['toxiproxy:18000']], ['db', ['db:8080']]]);
  const service = find<V1Service>(direct, 'Service', 'toxiproxy')!;
  assert.deepEqual(service.spec!.ports!.map((p) => [p.name, p.port, p.targetPort]), [['api', 8474, 8474], ['link-0', 18000, 18000]]);
  assert.equal(service.metadata!.labels!['meshbench.dev/arm'], 'direct', 'deleted with the arm, fresh for every phase');
  const pod = templateOf(find<V1Deployment>(direct, 'Deployment', 'toxiproxy')!).spec!;
  assert.deepEqual(pod.containers[0]!.args, ['/app/dist/toxiproxy.mjs', '--host', '0.0.0.0', '--port', '8474', '--allow-non-loopback']);
  assert.deepEqual(pod.containers[0]!.resources, { requests: { cpu: '50m', memory: '64Mi' } });

  const meshed = armObjects(s, 'meshed', RUN);
  assert.deepEqual(configOf(find<V1Deployment>(meshed, 'Deployment', 'frontend')!).calls.map((c) => c.targets), [['$(HOST_IP):4140'], ['$(HOST_IP):4140']], 'the app still calls its proxy');
  const proxy = JSON.parse(find<V1ConfigMap>(meshed, 'ConfigMap', 'mesh-proxy')!.data!['proxy.json']!) as ProxyConfig;
  assert.deepEqual(proxy.destinations['user-service'], { endpoints: [{ address: 'toxiproxy:18000', labels: {} }] });
  assert.deepEqual(proxy.destinations['db'], { endpoints: [] });
  assert.deepEqual(proxy.discovery?.services, ['frontend', 'db'], 'the rerouted callee is not discovered');

  const plain = armObjects(parseScenario(topology(), 'plain.yaml'), 'direct', RUN);
  assert.equal(find(plain, 'Deployment', 'toxiproxy'), undefined, 'no toxic, no Toxiproxy');
  assert.deepEqual(configOf(find<V1Deployment>(plain, 'Deployment', 'frontend')!).calls[0]!.targets, ['user-service:8080']);
});

test('a toxic link the meshed arm cannot reroute alone is refused with the reason', () => {
  const base = (extra: string, arms = '') => parseScenario(`name: x
backend: kubernetes
${arms}topology:
  entry: frontend
  services:
    - {name: frontend, calls: [user-service]}
    - {name: user-service, zones: [no]}
    - {name: audit, calls: [user-service]}
load: {rate: 10, duration: 10s}
faults: [{kind: latency, target: frontend->user-service, at: 1s, duration: 2s, latency: 40ms}]
${extra}`, 'x.yaml');
  assert.deepEqual(toxicLinkProblems(base('', 'arms: [direct]\n')), [], 'the direct arm reroutes the caller alone');
  const shared = toxicLinkProblems(base(''));
  assert.equal(shared.length, 1);
  assert.match(shared[0]!, /frontend->user-service: .* destination user-service, which frontend and audit share/);
  const routed = toxicLinkProblems(base('mesh:\n  routes: [{name: norway, match: {header: x, value: y}, subset: {zone: no}}]\n'));
  assert.match(routed.at(-1)!, /subset routes \(norway\)/);
});
