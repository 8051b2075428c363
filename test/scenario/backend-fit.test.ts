// Backend-specific settings: the kubernetes keys of `backend:` and `mesh:`, `load.generators`,
// and what only one backend can run — checked in the file (with its line) and again when
// `run --backend/--kubeconfig/--context` change the backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { applyOverrides } from '../../src/scenario/overrides.ts';
import { parseScenario, ScenarioError, type ScenarioProblem } from '../../src/scenario/parse.ts';

const BASE = `topology:
  services:
    - name: frontend
load: {rate: 10, duration: 2s}
`;

function problemsOf(yaml: string): ScenarioProblem[] {
  try {
    parseScenario(yaml, 'fit.yaml');
  } catch (err) {
    assert.ok(err instanceof ScenarioError, String(err));
    return [...err.problems];
  }
  assert.fail('the scenario was accepted');
}

function flagError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isMeshbenchError(err) && err.code === 'E_FLAG' && err.exitCode === 2, String(err));
    return `${err.message}\nhint: ${err.hint}`;
  }
  assert.fail('the flags were accepted');
}

test('`backend: kubernetes` gets the documented defaults: meshbench:dev, IfNotPresent, generated namespace', () => {
  const s = parseScenario(`backend: kubernetes\n${BASE}`, 'k.yaml');
  assert.deepEqual(s.backend, { kind: 'kubernetes', kubeconfig: null, context: null, namespace: null, image: 'meshbench:dev', imagePullPolicy: 'IfNotPresent', requests: { services: { cpu: '50m', memory: '64Mi' }, load: { cpu: '250m', memory: '128Mi' }, toxiproxy: { cpu: '50m', memory: '64Mi' } } });
});

test('kubernetes-only settings on the embedded backend are errors at their line, with the fix', () => {
  const provider = problemsOf(`${BASE}mesh:\n  provider: linkerd\n`);
  assert.equal(provider[0]?.path, 'mesh.provider');
  assert.equal(provider[0]?.line, 6);
  assert.match(provider[0]!.message, /linkerd needs backend kubernetes/);
  assert.match(provider[0]!.hint, /--backend kubernetes/);

  const problems = problemsOf(`${BASE}mesh:\n  deploy: sidecar\nbackend: {image: x:1}\n`.replace('load: {rate: 10, duration: 2s}', 'load: {rate: 10, duration: 2s, generators: 2}'));
  const at = (path: string) => problems.find((p) => p.path === path);
  assert.equal(at('mesh.deploy')?.line, 6);
  assert.match(at('mesh.deploy')!.message, /sidecar needs backend kubernetes/);
  assert.equal(at('load.generators')?.line, 4);
  assert.match(at('load.generators')!.message, /2 generators need backend kubernetes/);
  assert.match(at('backend.image')!.message, /applies only to backend kind kubernetes/);
});

test('with linkerd or istio every bundled-proxy setting is an error, not silently ignored', () => {
  const ok = parseScenario(`backend: kubernetes\nmesh: {provider: istio}\n${BASE}`, 'i.yaml');
  assert.equal(ok.meshDeployment.provider, 'istio');
  const problems = problemsOf(`backend: kubernetes\nmesh:\n  provider: linkerd\n  retry: {enabled: false}\n  deploy: sidecar\n${BASE}`);
  assert.deepEqual(problems.map((p) => p.path), ['mesh.retry', 'mesh.deploy']);
  assert.match(problems[0]!.message, /configures the bundled proxy, which does not run with provider linkerd/);
  assert.match(problems[0]!.hint, /configure linkerd itself/);
});

test('proxy resources are Kubernetes quantities, each request at most its limit', () => {
  const problems = problemsOf(`backend: kubernetes\nmesh:\n  resources:\n    requests: {cpu: 2, memory: 256MB}\n    limits: {cpu: 500m}\n${BASE}`);
  assert.deepEqual(problems.map((p) => [p.line, p.path]), [
    [4, 'mesh.resources.requests.cpu'],
    [4, 'mesh.resources.requests.memory'],
  ]);
  assert.match(problems[0]!.message, /the cpu request 2 is above its limit 500m/);
  assert.match(problems[1]!.message, /"256MB" is not a memory quantity/);
  assert.match(problems[1]!.hint, /256Mi/);
});

test('Kubernetes names: a service must start with a letter, a namespace must be a DNS label', () => {
  const problems = problemsOf(`backend: {kind: kubernetes, namespace: Mesh_Bench}\n${BASE.replace('name: frontend', 'name: 1frontend')}`);
  assert.match(problems.find((p) => p.path === 'backend.namespace')!.message, /"Mesh_Bench" is not a Kubernetes namespace name/);
  const name = problems.find((p) => p.path === 'topology.services[0].name')!;
  assert.equal(name.line, 4);
  assert.match(name.message, /cannot be a Kubernetes Service name: it must start with a letter/);
  parseScenario(BASE.replace('name: frontend', 'name: 1frontend'), 'embedded-is-fine.yaml');
});

test('--backend kubernetes with --kubeconfig/--context turns an embedded scenario into a kubernetes one', () => {
  const s = applyOverrides(parseScenario(BASE, 'b.yaml'), { backend: 'kubernetes', kubeconfig: '/tmp/kc', context: 'local' });
  assert.deepEqual(s.backend, { kind: 'kubernetes', kubeconfig: '/tmp/kc', context: 'local', namespace: null, image: 'meshbench:dev', imagePullPolicy: 'IfNotPresent', requests: { services: { cpu: '50m', memory: '64Mi' }, load: { cpu: '250m', memory: '128Mi' }, toxiproxy: { cpu: '50m', memory: '64Mi' } } });
  const k = parseScenario(`backend: {kind: kubernetes, context: a, image: me:1}\n${BASE}`, 'k.yaml');
  assert.deepEqual(applyOverrides(k, { context: 'b' }).backend, { ...k.backend, context: 'b' }, 'a flag overrides only its own field');
  assert.deepEqual(applyOverrides(k, { backend: 'embedded' }).backend, { kind: 'embedded' });
});

test('backend flags that do not fit are refused with the fix', () => {
  const embedded = parseScenario(BASE, 'b.yaml');
  assert.match(flagError(() => applyOverrides(embedded, { context: 'x' })), /--context applies to the kubernetes backend, but b\.yaml runs on the embedded backend\nhint: Add --backend kubernetes/);
  assert.match(flagError(() => applyOverrides(embedded, { backend: 'kind' })), /unknown backend "kind"/);
  const sidecar = parseScenario(`backend: kubernetes\nmesh: {deploy: sidecar}\n${BASE.replace('duration: 2s', 'duration: 2s, generators: 2')}`, 's.yaml');
  const message = flagError(() => applyOverrides(sidecar, { backend: 'embedded' }));
  assert.match(message, /--backend embedded does not fit s\.yaml:\n {2}- mesh\.deploy: sidecar needs backend kubernetes.*\n {2}- load\.generators: 2 generators/);
});

test('kubernetes: zones must be label values; the proxy pod ports must not collide', () => {
  const zones = problemsOf(`backend: kubernetes\ntopology:\n  services:\n    - {name: users, zones: [no, "de frankfurt"]}\nload: {rate: 10, duration: 2s}\n`);
  assert.deepEqual(zones.map((p) => [p.line, p.path]), [[4, 'topology.services[0].zones[1]']]);
  assert.match(zones[0]!.message, /"de frankfurt" cannot be a node's zone label value/);

  const same = problemsOf(`backend: kubernetes\nmesh: {port: 0, adminPort: 4140}\n${BASE}`);
  assert.deepEqual(same.map((p) => p.path), ['mesh.adminPort']);
  assert.match(same[0]!.message, /router and admin would both use port 4140/);
  parseScenario(`mesh: {port: 0, adminPort: 4140}\n${BASE}`, 'fine-on-embedded.yaml');

  const sidecar = problemsOf(`backend: kubernetes\nmesh: {deploy: sidecar, port: 8080, adminPort: 9991}\n${BASE}`);
  assert.deepEqual(sidecar.map((p) => p.path), ['mesh.port', 'mesh.adminPort']);
  assert.match(sidecar[0]!.message, /a sidecar proxy on port 8080 would share it with the service in its pod/);
  parseScenario(`backend: kubernetes\nmesh: {port: 8080, adminPort: 9991}\n${BASE}`, 'a-daemonset-has-its-own-pod.yaml');
});
