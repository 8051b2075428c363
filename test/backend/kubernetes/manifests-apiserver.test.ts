// The manifests against a REAL kube-apiserver: every object of every deployment variant
// (DaemonSet proxy, sidecars, linkerd, istio, chaos agent, load Job) goes through server-side
// apply with field manager `meshbench`, as dry run — the API server's own validation and
// defaulting, strict about unknown fields, without creating pods. No Linkerd or Istio images
// reach these machines, so for those providers this (and manifests.test.ts) is the test.
// Skips with the reason when no cluster is reachable.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { armObjects, runObjects } from '../../../src/backend/kubernetes/manifests/cluster-objects.ts';
import { loadJob, loadTargets } from '../../../src/backend/kubernetes/manifests/load-job.ts';
import { serverSideApply } from '../../../src/backend/kubernetes/server-side-apply.ts';
import { isMeshbenchError } from '../../../src/core/errors.ts';
import { parseScenario } from '../../../src/scenario/parse.ts';
import type { Scenario } from '../../../src/scenario/types.ts';
import { probeCluster, TEST_LABELS, testNamespaceName } from '../../fixtures/kube-cluster.ts';

const cluster = await probeCluster();
const skip = typeof cluster === 'string' ? cluster : false;
const namespace = testNamespaceName();
let created = false;

after(async () => {
  if (typeof cluster !== 'string' && created) await cluster.kc.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
});

/** The namespace must exist for namespaced objects to be validated in it. */
async function ensureNamespace(): Promise<void> {
  if (created || typeof cluster === 'string') return;
  await cluster.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace, labels: TEST_LABELS } } });
  created = true;
}

function scenario(mesh: string): Scenario {
  return parseScenario(
    `backend: {kind: kubernetes, namespace: ${namespace}}
topology:
  services:
    - name: frontend
      calls: [{service: user-service, timeout: 200ms, retries: 3}]
    - name: user-service
      zones: [no, de]
      serviceTime: 10ms
load: {rate: 100, duration: 5s, generators: 2}
mesh: ${mesh}
faults: [{kind: loss, target: user-service, at: 1s, duration: 1s, percent: 5}]
`,
    'apiserver.yaml',
  );
}

function phaseObjects(s: Scenario): KubernetesObject[] {
  const job = (arm: 'direct' | 'meshed') => loadJob(s, arm, 'zz99yy88', `load-${arm}-0`, { ...loadTargets(s, arm), load: s.load, seed: 1 });
  return [...runObjects(s, 'zz99yy88', 'tok'), ...armObjects(s, 'direct', 'zz99yy88'), job('direct'), ...armObjects(s, 'meshed', 'zz99yy88'), job('meshed')];
}

test('every object of every variant passes server-side apply (dry run) on the API server', { skip }, async () => {
  const { kc } = cluster as Exclude<typeof cluster, string>;
  await ensureNamespace();
  const refused: string[] = [];
  let applied = 0;
  for (const mesh of ['{routes: [{name: norway, match: {header: x-data-class, value: sensitive-norway}, subset: {zone: no}}]}', '{deploy: sidecar}', '{provider: linkerd}', '{provider: istio}']) {
    for (const object of phaseObjects(scenario(mesh))) {
      try {
        const answer = await serverSideApply(kc, object, { dryRun: true });
        assert.equal(answer.metadata?.name, object.metadata?.name);
        applied++;
      } catch (err) {
        refused.push(`${mesh} ${object.kind}/${object.metadata?.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  assert.deepEqual(refused, []);
  assert.ok(applied >= 40, `${applied} objects applied`);
});

test('a field the API does not know is refused, not silently dropped; the error names it', { skip }, async () => {
  const { kc } = cluster as Exclude<typeof cluster, string>;
  await ensureNamespace();
  const misspelt = structuredClone(armObjects(scenario('{}'), 'direct', 'zz99yy88').find((o) => o.kind === 'Deployment')!) as KubernetesObject & { spec: { replica?: number } };
  misspelt.spec.replica = 2;
  await assert.rejects(serverSideApply(kc, misspelt, { dryRun: true }), (err: unknown) => isMeshbenchError(err) && err.code === 'E_KUBE_APPLY' && /\.spec\.replica: field not declared in schema/.test(err.message));
});
