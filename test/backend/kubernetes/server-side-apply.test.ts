// Where server-side apply sends each object: the URL path per kind and scope (the apply itself
// against a real API server is in manifests-apiserver.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { armObjects, runObjects } from '../../../src/backend/kubernetes/manifests/cluster-objects.ts';
import { objectPath } from '../../../src/backend/kubernetes/server-side-apply.ts';
import { InternalError } from '../../../src/core/errors.ts';
import { parseScenario } from '../../../src/scenario/parse.ts';

test('core, grouped, namespaced and cluster-scoped objects map to their API paths', () => {
  assert.equal(objectPath({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'meshbench-a' } }), '/api/v1/namespaces/meshbench-a');
  assert.equal(objectPath({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'users', namespace: 'ns' } }), '/api/v1/namespaces/ns/services/users');
  assert.equal(objectPath({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'mesh-proxy', namespace: 'ns' } }), '/apis/apps/v1/namespaces/ns/daemonsets/mesh-proxy');
  assert.equal(objectPath({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'meshbench-a-x' } }), '/apis/rbac.authorization.k8s.io/v1/clusterroles/meshbench-a-x');
  assert.equal(objectPath({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'chaos-agent-token', namespace: 'ns' } }), '/api/v1/namespaces/ns/secrets/chaos-agent-token');
  assert.throws(() => objectPath({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv' } }), InternalError);
});

test('every object the manifests generate has a known API path', () => {
  const s = parseScenario(
    `backend: kubernetes\ntopology: {services: [{name: a, calls: [b]}, {name: b}]}\nload: {rate: 1, duration: 3s}\nfaults: [{kind: cpu-steal, target: b, at: 1s, duration: 1s, percent: 20}]\n`,
    'paths.yaml',
  );
  for (const o of [...runObjects(s, 'r1', 'tok'), ...armObjects(s, 'direct', 'r1'), ...armObjects(s, 'meshed', 'r1')]) assert.doesNotThrow(() => objectPath(o), `${o.kind}`);
});
