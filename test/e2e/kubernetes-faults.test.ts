// Faults inside the real local cluster: the DB lock that starts a retry storm (direct never
// recovers, the mesh does), packet loss applied by the chaos agent inside the callee pods'
// network namespaces (TCP's retransmission tail appears), and a runner SIGKILLed mid-fault:
// the agent lifts the fault by itself when its lease runs out, and `meshbench clean` deletes
// the run's namespace. Skips without a cluster; CI requires one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { kubeRequest, podProxyPath } from '../../src/backend/kubernetes/kube-http.ts';
import { CHAOS_AGENT_PORT, CHAOS_AGENT_TOKEN_SECRET } from '../../src/backend/kubernetes/manifests/chaos-agent.ts';
import { runScenario } from '../../src/runner/run-scenario.ts';
import { repoPath } from '../../src/runtime/child.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { clusterUnderTest, type ClusterUnderTest } from '../cluster/cluster-fixture.ts';
import { median, windowsInside, windowsOutside } from './fixtures/fault-run.ts';
import { checkOnQuietRun } from './fixtures/quiet-run.ts';

const cluster = clusterUnderTest();
const skip = typeof cluster === 'string' ? cluster : false;
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
const tmp = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'meshbench-k8s-faults-'));
  dirs.push(d);
  return d;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults on the kubernetes backend', { skip }, () => {
  const { kc, kubeconfigPath } = cluster as ClusterUnderTest;
  const backend = `backend: {kind: kubernetes, kubeconfig: ${JSON.stringify(kubeconfigPath)}}`;

  it('retry storm in pods: direct amplification ≥ 2.5 and no recovery; meshed recovers', { timeout: 900_000 }, async () => {
    const scenario = parseScenario(
      `name: k8s-retry-storm
seed: 7
repeats: 1
${backend}
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      pool: 4096
      calls:
        - service: user-service
          timeout: 100ms
          retries: 3
    - name: user-service
      pool: 4
      serviceTime: 10ms
load: {rate: 150, warmup: 3s, duration: 12s, maxInFlight: 4000}
mesh: {timeout: 500ms}
faults:
  - {kind: db-lock, target: user-service, at: 2s, duration: 2s}
recovery: {p99Factor: 2, minSuccessRate: 0.99, stable: 2s}
`,
      'k8s-retry-storm.yaml',
    );
    const result = await checkOnQuietRun(
      async () => runScenario(scenario, { runDir: await tmp(), quiet: true }),
      (r) => {
        const direct = r.arms.find((a) => a.name === 'direct')!;
        const meshed = r.arms.find((a) => a.name === 'meshed')!;
        const summary = JSON.stringify({ direct: [direct.amplification, direct.recovery], meshed: [meshed.amplification, meshed.recovery] });
        assert.ok(direct.amplification!.peak >= 2.5, summary);
        assert.equal(direct.recovery[0]!.recoveredAfterS, null, summary);
        assert.ok(meshed.recovery[0]!.recoveredAfterS !== null, summary);
      },
    );
    assert.match(result.faults.find((f) => f.arm === 'direct')!.mechanism, /POST \/admin\/db-lock/);
  });

  it('packet loss by the chaos agent inside the callee pods shows TCP\'s retransmission tail', { timeout: 900_000 }, async () => {
    const scenario = parseScenario(
      `name: k8s-loss
seed: 3
repeats: 1
arms: [meshed]
${backend}
topology:
  entry: frontend
  services:
    - {name: frontend, serviceTime: 1ms, pool: 1024, calls: [user-service]}
    - {name: user-service, replicas: 2, pool: 64, serviceTime: 5ms}
load: {rate: 100, warmup: 2s, duration: 8s}
mesh: {timeout: 5s}
faults:
  - {kind: loss, target: frontend->user-service, percent: 10, at: 1s, duration: 6s}
`,
      'k8s-loss.yaml',
    );
    const result = await runScenario(scenario, { runDir: await tmp(), quiet: true });
    const meshed = result.arms[0]!;
    const fault = result.faults[0]!;
    assert.match(fault.mechanism, /chaos agent on meshbench-(no|de): nftables in pod .* network namespace: numgen drop 10% tcp\/8080/);
    // A dropped segment waits for the retransmission timer: at least 200 ms (Linux's RTO floor).
    assert.ok(meshed.latencyMs.p99 >= 200, `meshed p99 ${meshed.latencyMs.p99} ms under 10 % loss`);
  });

  it('a runner SIGKILLed mid-partition: the agent lifts the fault within its lease, clean deletes the namespace', { timeout: 600_000 }, async () => {
    const dir = await tmp();
    const file = path.join(dir, 'k8s-kill-runner.yaml');
    await writeFile(
      file,
      `name: k8s-kill-runner\nseed: 1\nrepeats: 1\narms: [direct]\n${backend}\ntopology: {entry: frontend, services: [{name: frontend, calls: [user-service]}, {name: user-service}]}\nload: {rate: 20, warmup: 1s, duration: 60s}\nfaults:\n  - {kind: partition, target: frontend->user-service, at: 1s, duration: 50s}\n`,
    );
    const runner = spawn(process.execPath, [repoPath('bin/meshbench.js'), 'run', file, '--out', path.join(dir, 'out')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    runner.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 300_000;
    while (!/measuring/.test(stderr) && Date.now() < deadline) await sleep(200);
    assert.match(stderr, /measuring/);
    const runId = /meshbench-([a-z0-9]{8})/.exec(JSON.stringify((await kc.makeApiClient(CoreV1Api).listNamespace({ labelSelector: 'app.kubernetes.io/managed-by=meshbench' })).items.map((n) => n.metadata?.name)))?.[1];
    assert.ok(runId, 'the run has its namespace');
    const namespace = `meshbench-${runId}`;
    const core = kc.makeApiClient(CoreV1Api);
    const token = Buffer.from((await core.readNamespacedSecret({ name: CHAOS_AGENT_TOKEN_SECRET, namespace })).data!.token!, 'base64').toString();
    const agents = (await core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/component=chaos-agent' })).items;
    const applied = async () => {
      let n = 0;
      for (const a of agents) {
        const r = await kubeRequest(kc, 'GET', podProxyPath(namespace, a.metadata!.name!, CHAOS_AGENT_PORT, '/v1/faults'), undefined, 10_000, { 'x-meshbench-agent-token': token });
        n += (JSON.parse(r.body) as unknown[]).length;
      }
      return n;
    };
    const t0 = Date.now();
    while ((await applied()) === 0 && Date.now() - t0 < 10_000) await sleep(200);
    assert.ok((await applied()) > 0, 'the partition is applied by an agent');
    runner.kill('SIGKILL');
    const killedAt = Date.now();
    while ((await applied()) > 0 && Date.now() - killedAt < 20_000) await sleep(250);
    const liftedAfterMs = Date.now() - killedAt;
    assert.equal(await applied(), 0, 'lifted by the agent');
    assert.ok(liftedAfterMs <= 7_000, `lifted ${liftedAfterMs} ms after the runner died (lease 5 s)`);
    const clean = spawn(process.execPath, [repoPath('bin/meshbench.js'), 'clean', '--run', runId]);
    let out = '';
    clean.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.equal(await new Promise((r) => clean.on('exit', r)), 0, out);
    assert.match(out, /Kubernetes namespace and objects of run/);
    const left = await core.listNamespace({ labelSelector: `meshbench.dev/run=${runId}` });
    assert.ok(left.items.every((n) => n.status?.phase === 'Terminating'), 'the namespace is deleted (terminating or gone)');
  });

  /** Runs the toxic scenario (with `extra` scenario lines) and checks each arm's p50 shift. */
  const latencyToxic = async (t: TestContext, extra: string) => {
    const scenario = parseScenario(
      `name: k8s-latency-toxic
seed: 11
repeats: 1
${backend}
${extra}topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      pool: 256
      calls: [{service: user-service, timeout: 2s, retries: 0}]
    - {name: user-service, pool: 64, serviceTime: 5ms}
load: {rate: 50, arrival: constant, warmup: 2s, duration: 8s}
faults:
  - {kind: latency, target: frontend->user-service, at: 3s, duration: 3s, latency: 40ms, jitter: 0ms}
`,
      'k8s-latency-toxic.yaml',
    );
    // The shift is judged on a run the hypervisor left alone (a stolen-from run blurs it).
    const result = await checkOnQuietRun(
      async () => runScenario(scenario, { runDir: await tmp(), quiet: true }),
      (r) => {
        for (const arm of r.arms) {
          const record = r.faults.find((f) => f.arm === arm.name)!;
          const windows = arm.repeats[0]!.windows;
          const inside = windowsInside(windows, record.actualStartMs!, record.actualStopMs!);
          const outside = windowsOutside(windows, record.actualStartMs!, record.actualStopMs!, 200);
          assert.ok(inside.length >= 2 && outside.length >= 3, `${arm.name}: ${inside.length} windows inside, ${outside.length} outside`);
          const base = median(outside.map((w) => w.p50!));
          t.diagnostic(`${arm.name}: p50 outside ${base} ms, inside ${inside.map((w) => `t=${w.t} ${w.p50} ms`).join(', ')}; ${record.mechanism}`);
          for (const w of inside) {
            // Every response waits 40 ms more; a loaded 2-core machine blurs the pods' baseline.
            assert.ok(w.p50! - base >= 30 && w.p50! - base <= 70, `${arm.name}: t=${w.t} p50 ${w.p50} ms vs ${base} ms outside`);
            assert.equal(w.ok, w.scheduled - w.dropped, `${arm.name}: every request sent in t=${w.t} succeeded`);
          }
          for (const w of outside) assert.ok(w.p50! < base + 15, `${arm.name}: t=${w.t} outside has p50 ${w.p50} ms (base ${base} ms)`);
        }
      },
    );
    for (const arm of result.arms) {
      const record = result.faults.find((f) => f.arm === arm.name)!;
      assert.equal(record.error, null, `${arm.name}: ${record.error}`);
      assert.match(record.mechanism, /toxiproxy latency toxic 40±0 ms .* in pod toxiproxy-/, `${arm.name}: ${record.mechanism}`);
      assert.match(record.mechanism, arm.name === 'direct' ? /frontend calls user-service at toxiproxy:18000/ : /proxy reaches user-service at toxiproxy:18000/);
    }
    const left = await kc.makeApiClient(CoreV1Api).listNamespace({ labelSelector: `meshbench.dev/run=${result.id}` });
    assert.ok(left.items.every((n) => n.status?.phase === 'Terminating'), 'the namespace (and its Toxiproxy) is deleted');
  };
  it('a 40 ms latency toxic on frontend->user-service raises p50 by ≈40 ms inside its window, in both arms, through the arm\'s Toxiproxy pod', { timeout: 900_000 }, (t) => latencyToxic(t, ''));
  it('the same toxic with the proxy as a sidecar: the sidecars\' destination is the link\'s listener', { timeout: 900_000 }, (t) => latencyToxic(t, 'arms: [meshed]\nmesh: {deploy: sidecar}\n'));
});
