// The kubernetes backend on the real local cluster (`meshbench cluster up`): the same scenario
// files as on the embedded backend, in pods — services as Deployments, the bundled proxy as the
// seed's DaemonSet (one pod per node), load from generator pods, faults through the chaos agent.
// Skips with the reason when no cluster is up; CI requires the cluster (MESHBENCH_REQUIRE_CLUSTER=1).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { kubernetesBackend } from '../../src/backend/kubernetes/kubernetes-backend.ts';
import { auditPolicyRouting } from '../../src/report/policy-audit.ts';
import { runScenario } from '../../src/runner/run-scenario.ts';
import { newRunId, Ledger } from '../../src/runtime/ledger.ts';
import { Teardown } from '../../src/runtime/teardown.ts';
import { repoPath } from '../../src/runtime/child.ts';
import { loadScenario, parseScenario } from '../../src/scenario/parse.ts';
import { applyOverrides } from '../../src/scenario/overrides.ts';
import { clusterUnderTest, type ClusterUnderTest } from '../cluster/cluster-fixture.ts';

const cluster = clusterUnderTest();
const skip = typeof cluster === 'string' ? cluster : false;
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const backendBlock = () => `backend: {kind: kubernetes, kubeconfig: ${JSON.stringify((cluster as ClusterUnderTest).kubeconfigPath)}}`;
const tmp = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'meshbench-k8s-'));
  dirs.push(d);
  return d;
};

describe('kubernetes backend on the local cluster', { skip }, () => {
  const { kc } = cluster as ClusterUnderTest;

  it('meshed arm: one proxy pod per node (the seed DaemonSet), services Ready, everything gone after stop', { timeout: 300_000 }, async () => {
    const scenario = parseScenario(
      `name: k8s-shape\n${backendBlock()}\ntopology: {services: [{name: frontend, calls: [user-service]}, {name: user-service, replicas: 2, zones: [no, de]}]}\nload: {rate: 10, duration: 1s}\n`,
      'k8s-shape.yaml',
    );
    const runId = newRunId();
    const ledger = Ledger.open(runId);
    const teardown = new Teardown();
    try {
      const run = await kubernetesBackend.open(scenario, { runId, runDir: await tmp(), teardown, ledger, toxiproxyUrl: null, cpuPinning: 'auto' });
      const described = await run.describe();
      assert.equal(described.cluster?.version, 'v1.34.4');
      assert.deepEqual(described.cluster?.nodes.map((n) => n.zone).sort(), ['de', 'no']);
      const arm = await run.startArm('meshed');
      const core = kc.makeApiClient(CoreV1Api);
      const pods = (await core.listNamespacedPod({ namespace: `meshbench-${runId}` })).items;
      const proxies = pods.filter((p) => p.metadata?.labels?.['app.kubernetes.io/component'] === 'mesh-proxy');
      assert.equal(proxies.length, 2, 'one proxy per node');
      assert.deepEqual(proxies.map((p) => p.spec?.nodeName).sort(), ['meshbench-de', 'meshbench-no']);
      const users = pods.filter((p) => p.metadata?.labels?.['meshbench.dev/service'] === 'user-service');
      assert.deepEqual(users.map((p) => p.spec?.nodeName).sort(), ['meshbench-de', 'meshbench-no'], 'zones: [no, de] puts one replica on each zone\'s node');
      const stats = await arm.proxyStats();
      assert.ok(stats && typeof stats.counters === 'object');
      assert.equal((await arm.sampleServices()).size, 3);
      await arm.stop();
      const left = (await core.listNamespacedPod({ namespace: `meshbench-${runId}` })).items.filter((p) => p.metadata?.labels?.['meshbench.dev/arm']);
      assert.equal(left.length, 0);
    } finally {
      await teardown.run();
      ledger.close();
    }
    const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace({ labelSelector: `meshbench.dev/run=${runId}` });
    assert.equal(namespaces.items.length, 0, 'the run namespace is deleted by the teardown');
  });

  it('baseline.yaml runs in pods, both arms succeed, and the result records the cluster', { timeout: 600_000 }, async () => {
    const scenario = applyOverrides(await loadScenario(repoPath('scenarios/baseline.yaml')), { backend: 'kubernetes', kubeconfig: (cluster as ClusterUnderTest).kubeconfigPath, durationS: 4, repeats: 1 });
    const result = await runScenario(scenario, { runDir: await tmp(), quiet: true });
    assert.equal(result.environment.backend, 'kubernetes');
    assert.equal(result.environment.cluster?.nodes.length, 2);
    for (const arm of result.arms) {
      assert.equal(arm.requests.errors + arm.requests.timeouts, 0, `${arm.name}: ${JSON.stringify(arm.requests)}`);
      // Arrivals beyond the generator's in-flight cap are dropped, not failed: on a 2-core machine
      // shared with other work the pods can fall behind (the run's validity says so).
      assert.ok(arm.requests.ok >= 0.5 * arm.requests.scheduled, `${arm.name}: ${JSON.stringify(arm.requests)}`);
    }
    // The proxy DaemonSet's cost is recorded per pod: one per node, each having used CPU and memory.
    const proxy = result.arms.find((a) => a.name === 'meshed')!.proxy!;
    assert.deepEqual(proxy.processes.map((p) => p.node).sort(), ['meshbench-de', 'meshbench-no'], JSON.stringify(proxy.processes));
    for (const p of proxy.processes) {
      assert.match(p.name, /^mesh-proxy-/);
      assert.ok(p.cpuSeconds !== null && p.cpuSeconds > 0, `${p.name} CPU over the measured part: ${p.cpuSeconds}`);
      assert.ok(p.rssBytes !== null && p.rssBytes > 0, `${p.name} RSS: ${p.rssBytes}`);
    }
    assert.equal(proxy.rssBytes, Math.max(...proxy.processes.map((p) => p.rssBytes!)), 'the largest pod, not the sum');
  });

  it('policy routing across the two real zones: no sensitive-norway request reaches the de node', { timeout: 600_000 }, async () => {
    // On Kubernetes every endpoint has its node's zone, so the zone route governs every hop a
    // sensitive request takes: the frontend is pinned to the compliant zone too.
    const scenario = parseScenario(
      `name: k8s-policy-routing
seed: 42
repeats: 1
arms: [meshed]
${backendBlock()}
topology:
  entry: frontend
  services:
    - {name: frontend, zones: [no], serviceTime: 1ms, pool: 64, calls: [user-service]}
    - {name: user-service, replicas: 2, zones: [no, de], pool: 8, serviceTime: 10ms}
load:
  rate: 100
  warmup: 2s
  duration: 4s
  classes:
    - {name: ordinary, weight: 80}
    - {name: sensitive, weight: 20, headers: {x-data-class: sensitive-norway}}
mesh:
  routes:
    - {name: sensitive-norway, match: {header: x-data-class, value: sensitive-norway}, subset: {zone: no}, failClosed: true}
`,
      'k8s-policy-routing.yaml',
    );
    const result = await runScenario(scenario, { runDir: await tmp(), quiet: true });
    const audit = auditPolicyRouting(result) ?? [];
    const sensitive = audit.find((a) => a.route === 'sensitive-norway');
    assert.ok(sensitive, JSON.stringify(audit));
    assert.ok(sensitive.total > 0, `sensitive requests were routed: ${JSON.stringify(result.arms[0]!.proxy)}`);
    assert.equal(sensitive.outside, 0, JSON.stringify(audit));
    const de = result.arms[0]!.proxy!.audit.filter((r) => r.route === 'default' && r.zone === 'de');
    assert.ok(de.some((r) => r.requests > 0), 'ordinary traffic does use the de replica');
    assert.equal(result.arms[0]!.requests.errors, 0, 'fail-closed never triggered: the no zone has a replica of every service');
  });
});
