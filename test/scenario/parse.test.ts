// What a scenario author relies on: valid files become the typed Scenario with documented
// defaults, and a broken file is rejected once with every problem, its line, path and a fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { DEFAULT_MESH, loadScenario, parseScenario, ScenarioError, type ScenarioProblem } from '../../src/scenario/parse.ts';

const root = join(import.meta.dirname, '../..');

function problemsOf(yaml: string): ScenarioProblem[] {
  try {
    parseScenario(yaml, 'test.yaml');
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail('the scenario was accepted');
}

function problemAt(problems: ScenarioProblem[], path: string): ScenarioProblem {
  const found = problems.find((p) => p.path === path);
  assert.ok(found, `no problem at ${path}; got:\n${problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`).join('\n')}`);
  return found;
}

const MINIMAL = `
topology:
  services:
    - name: frontend
      calls: [user-service]
    - name: user-service
      serviceTime: 10ms
load:
  rate: 100
  duration: 5s
`;

test('a minimal scenario gets every documented default', () => {
  const s = parseScenario(MINIMAL, 'scenarios/minimal.yaml');
  assert.equal(s.file, 'scenarios/minimal.yaml');
  assert.equal(s.name, 'minimal');
  assert.equal(s.description, '');
  assert.equal(s.seed, 1);
  assert.equal(s.repeats, 2);
  assert.deepEqual(s.backend, { kind: 'embedded' });
  assert.deepEqual(s.arms, ['direct', 'meshed']);
  assert.equal(s.topology.entry, 'frontend');
  assert.deepEqual(s.topology.services[0], {
    name: 'frontend',
    replicas: 1,
    serviceTime: { kind: 'fixed', ms: 0 },
    pool: 64,
    responseBytes: 128,
    calls: [{ service: 'user-service', retry: { timeoutMs: null, retries: 0, backoffMs: 0 } }],
    zones: null,
    external: null,
    contention: null,
  });
  assert.deepEqual(s.load, {
    rate: 100,
    arrival: 'constant',
    warmupS: 2,
    warmupMaxS: 10,
    warmupRequests: 300,
    durationS: 5,
    ramp: null,
    maxInFlight: 100,
    timeoutMs: 10_000,
    method: 'GET',
    path: '/',
    classes: [{ name: 'default', weight: 1, headers: {} }],
    generators: 1,
  });
  assert.deepEqual(s.mesh, DEFAULT_MESH);
  assert.deepEqual(s.meshDeployment, {
    provider: 'bundled',
    deploy: 'daemonset',
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  });
  assert.equal(s.mesh.retry.budget.percentCanRetry, 0.2);
  assert.equal(s.mesh.breaker.backoff.minMs, 1_000);
  assert.deepEqual(s.conditions, []);
  assert.deepEqual(s.faults, []);
  assert.deepEqual(s.gates, []);
  assert.deepEqual(s.gateOptions, { inconclusive: 'pass', confidence: 0.95 });
  assert.deepEqual(s.recovery, { p99Factor: 1.5, minSuccessRate: 0.99, stableMs: 2_000 });
  assert.equal(s.toxiproxyUrl, null);
});

test('maxInFlight defaults to one second of load at the highest rate, and at least 64', () => {
  assert.equal(parseScenario(MINIMAL.replace('rate: 100', 'rate: 10'), 'x.yaml').load.maxInFlight, 64);
  const s = parseScenario(MINIMAL.replace('rate: 100', 'rate: 900\n  ramp: {from: 1500, over: 2s}'), 'x.yaml');
  assert.equal(s.load.maxInFlight, 1_500);
  assert.deepEqual(s.load.ramp, { fromRate: 1_500, overS: 2 });
});

test('every field can be set, with units and percentages converted', () => {
  const s = parseScenario(
    `
name: storm
description: the reference retry storm
seed: 7
repeats: 3
backend: {kind: kubernetes, kubeconfig: ~/.kube/config, context: kind-meshbench, namespace: mb, image: registry.example/meshbench:0.1.0, imagePullPolicy: Always, requests: {services: {cpu: 0.1, memory: 96Mi}, toxiproxy: {memory: 32Mi}}}
arms: [meshed]
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: {uniform: {min: 1ms, max: 3ms}}
      responseBytes: 512
      calls:
        - {service: user-service, timeout: 200ms, retries: 3, backoff: 0ms}
        - {service: audit, timeout: none}
    - name: user-service
      zones: [no, de]
      pool: 8
      serviceTime: {lognormal: {p50: 10ms, p99: 40ms}}
    - name: audit
      serviceTime: {exponential: {mean: 1.5s}}
    - name: legacy
      external: http://127.0.0.1:8080
load:
  rate: 800
  arrival: poisson
  warmup: 500ms
  warmupMax: 5s
  warmupRequests: 300
  duration: 1m
  maxInFlight: 2000
  timeout: 3s
  method: POST
  path: /users/42
  classes:
    - {name: ordinary, weight: 80}
    - {name: sensitive, weight: 20, headers: {X-Data-Class: sensitive-norway}}
  generators: 3
mesh:
  port: 0
  adminPort: 0
  bindAddress: 127.0.0.2
  balancer: round-robin
  ewma: {decay: 5s, defaultRtt: 20ms}
  retry:
    enabled: false
    retryOn: [503]
    maxRetries: 2
    retryNonIdempotent: true
    backoff: {base: 10ms, max: 1s}
    budget: {percent: 10, minPerSecond: 5, ttl: 30s}
  breaker: {enabled: false, consecutiveFailures: 3, backoff: {min: 500ms, max: 5s, jitter: 0.2}}
  timeout: 1s
  propagateDeadline: false
  maxPending: 100
  routes:
    - {name: norway, match: {header: x-data-class, value: sensitive-norway}, subset: {zone: no}, failClosed: true}
  limits: {maxHeaderBytes: 8192, headerTimeout: 5s, idleTimeout: 30s}
  deploy: sidecar
  resources: {requests: {cpu: 0.1, memory: 64Mi}, limits: {cpu: 1, memory: 1Gi}}
conditions:
  - {kind: latency, target: frontend->user-service, latency: 35ms, jitter: 10ms, name: Oslo to Frankfurt}
  - {kind: loss, target: frontend->audit, percent: 2}
  - {kind: cpu-steal, target: "user-service#0", percent: 20, period: 50ms}
  - {kind: noisy-neighbour, target: audit, hogs: 2}
  - {kind: bandwidth, target: frontend->audit, rate: 100}
faults:
  - {kind: latency, target: frontend->user-service, at: 10s, duration: 5s, latency: 25ms, jitter: 5ms, toxicity: 0.5, stream: upstream}
  - {kind: slicer, target: frontend->audit, at: 1s, duration: 1s, averageSize: 64, sizeVariation: 16, delay: 2ms}
  - {kind: loss, target: user-service, at: 1s, duration: 2s, percent: 5}
  - {kind: cpu-steal, target: "user-service#1", at: 1s, duration: 2s, percent: 20}
  - {kind: db-lock, target: user-service, at: 20s, duration: 3s, name: the lock}
  - {kind: restart, target: audit, at: 30s}
gates: ["meshed.p99 < 25ms"]
gateOptions: {inconclusive: fail, confidence: 0.9}
recovery: {p99Factor: 2, minSuccessRate: 0.95, stable: 3s}
toxiproxy: http://127.0.0.1:8474
`,
    'storm.yaml',
  );
  assert.equal(s.name, 'storm');
  assert.equal(s.seed, 7);
  assert.equal(s.repeats, 3);
  assert.deepEqual(s.backend, {
    kind: 'kubernetes',
    kubeconfig: '~/.kube/config',
    context: 'kind-meshbench',
    namespace: 'mb',
    image: 'registry.example/meshbench:0.1.0',
    imagePullPolicy: 'Always',
    requests: { services: { cpu: '0.1', memory: '96Mi' }, load: { cpu: '250m', memory: '128Mi' }, toxiproxy: { cpu: '50m', memory: '32Mi' } },
  });
  assert.deepEqual(s.meshDeployment, {
    provider: 'bundled',
    deploy: 'sidecar',
    resources: { requests: { cpu: '0.1', memory: '64Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  });
  assert.deepEqual(s.arms, ['meshed']);
  const [frontend, user, audit, legacy] = s.topology.services;
  assert.deepEqual(frontend?.serviceTime, { kind: 'uniform', minMs: 1, maxMs: 3 });
  assert.equal(frontend?.responseBytes, 512);
  assert.deepEqual(frontend?.calls, [
    { service: 'user-service', retry: { timeoutMs: 200, retries: 3, backoffMs: 0 } },
    { service: 'audit', retry: { timeoutMs: null, retries: 0, backoffMs: 0 } },
  ]);
  assert.equal(user?.replicas, 2, 'replicas default to the number of zones');
  assert.deepEqual(user?.zones, ['no', 'de']);
  assert.deepEqual(user?.serviceTime, { kind: 'lognormal', p50Ms: 10, p99Ms: 40 });
  assert.deepEqual(audit?.serviceTime, { kind: 'exponential', meanMs: 1_500 });
  assert.equal(legacy?.external, 'http://127.0.0.1:8080');
  assert.deepEqual(s.load, {
    rate: 800,
    arrival: 'poisson',
    warmupS: 0.5,
    warmupMaxS: 5,
    warmupRequests: 300,
    durationS: 60,
    ramp: null,
    maxInFlight: 2_000,
    timeoutMs: 3_000,
    method: 'POST',
    path: '/users/42',
    classes: [
      { name: 'ordinary', weight: 80, headers: {} },
      { name: 'sensitive', weight: 20, headers: { 'x-data-class': 'sensitive-norway' } },
    ],
    generators: 3,
  });
  assert.deepEqual(s.mesh, {
    port: 0,
    adminPort: 0,
    bindAddress: '127.0.0.2',
    balancer: 'round-robin',
    ewma: { decayMs: 5_000, defaultRttMs: 20 },
    retry: {
      enabled: false,
      retryOn: [503],
      maxRetries: 2,
      retryNonIdempotent: true,
      backoff: { baseMs: 10, maxMs: 1_000 },
      budget: { percentCanRetry: 0.1, minRetriesPerSec: 5, ttlMs: 30_000 },
    },
    breaker: { enabled: false, consecutiveFailures: 3, backoff: { minMs: 500, maxMs: 5_000, jitter: 0.2 } },
    timeoutMs: 1_000,
    propagateDeadline: false,
    maxPending: 100,
    routes: [{ name: 'norway', match: { header: 'x-data-class', value: 'sensitive-norway' }, subset: { zone: 'no' }, failClosed: true }],
    limits: { maxHeaderBytes: 8_192, headerTimeoutMs: 5_000, idleTimeoutMs: 30_000 },
  });
  assert.deepEqual(s.faults, [
    {
      name: 'latency frontend->user-service',
      target: { kind: 'link', from: 'frontend', to: 'user-service' },
      atMs: 10_000,
      durationMs: 5_000,
      kind: 'latency',
      attributes: { latency: 25, jitter: 5 },
      toxicity: 0.5,
      stream: 'upstream',
    },
    {
      name: 'slicer frontend->audit',
      target: { kind: 'link', from: 'frontend', to: 'audit' },
      atMs: 1_000,
      durationMs: 1_000,
      kind: 'slicer',
      attributes: { average_size: 64, size_variation: 16, delay: 2_000 },
      toxicity: 1,
      stream: 'downstream',
    },
    { name: 'loss user-service', target: { kind: 'service', service: 'user-service', replica: null }, atMs: 1_000, durationMs: 2_000, kind: 'loss', percent: 5, allowEmulation: false },
    { name: 'cpu-steal user-service#1', target: { kind: 'service', service: 'user-service', replica: 1 }, atMs: 1_000, durationMs: 2_000, kind: 'cpu-steal', percent: 20, periodMs: 100 },
    { name: 'the lock', target: { kind: 'service', service: 'user-service', replica: null }, atMs: 20_000, durationMs: 3_000, kind: 'db-lock' },
    { name: 'restart audit', target: { kind: 'service', service: 'audit', replica: null }, atMs: 30_000, durationMs: 0, kind: 'restart' },
  ]);
  assert.deepEqual(s.conditions, [
    { name: 'Oslo to Frankfurt', target: { kind: 'link', from: 'frontend', to: 'user-service' }, kind: 'latency', attributes: { latency: 35, jitter: 10 }, toxicity: 1, stream: 'downstream' },
    { name: 'loss frontend->audit', target: { kind: 'link', from: 'frontend', to: 'audit' }, kind: 'loss', percent: 2, allowEmulation: false },
    { name: 'cpu-steal user-service#0', target: { kind: 'service', service: 'user-service', replica: 0 }, kind: 'cpu-steal', percent: 20, periodMs: 50 },
    { name: 'noisy-neighbour audit', target: { kind: 'service', service: 'audit', replica: null }, kind: 'noisy-neighbour', hogs: 2 },
    { name: 'bandwidth frontend->audit', target: { kind: 'link', from: 'frontend', to: 'audit' }, kind: 'bandwidth', attributes: { rate: 100 }, toxicity: 1, stream: 'downstream' },
  ]);
  assert.deepEqual(s.gates, ['meshed.p99 < 25ms']);
  assert.deepEqual(s.gateOptions, { inconclusive: 'fail', confidence: 0.9 });
  assert.deepEqual(s.recovery, { p99Factor: 2, minSuccessRate: 0.95, stableMs: 3_000 });
  assert.equal(s.toxiproxyUrl, 'http://127.0.0.1:8474');
});

test('a file with several mistakes reports all of them at once, with line, column, path and hint', () => {
  const yaml = [
    'topology:', //                                     1
    '  services:', //                                   2
    '    - name: frontend', //                          3
    '      calls: [user-servce]', //                    4
    '    - name: user-service', //                      5
    '      replicas: 2', //                             6
    '      zones: [no]', //                             7
    '      pool: 0', //                                 8
    'load:', //                                         9
    '  rate: 400', //                                   10
    '  duration: 10', //                                11
    '  maxInFlite: 10', //                              12
  ].join('\n');
  let error: unknown;
  try {
    parseScenario(yaml, 'bad.yaml');
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ScenarioError);
  assert.ok(isMeshbenchError(error));
  assert.equal(error.code, 'E_SCENARIO');
  assert.equal(error.exitCode, 2);
  const byPath = new Map(error.problems.map((p) => [p.path, p]));
  assert.deepEqual(
    [...byPath.keys()],
    ['topology.services[0].calls[0]', 'topology.services[1].zones', 'topology.services[1].pool', 'load.duration', 'load.maxInFlite'],
  );
  const call = byPath.get('topology.services[0].calls[0]');
  assert.deepEqual([call?.line, call?.column], [4, 15]);
  assert.match(call?.message ?? '', /user-servce/);
  assert.match(call?.hint ?? '', /user-service/);
  assert.equal(byPath.get('topology.services[1].zones')?.line, 7);
  assert.deepEqual([byPath.get('topology.services[1].pool')?.line, byPath.get('topology.services[1].pool')?.column], [8, 13]);
  assert.equal(byPath.get('load.duration')?.line, 11);
  assert.equal(byPath.get('load.maxInFlite')?.line, 12);
  for (const p of error.problems) assert.ok(p.hint.length > 0, `${p.path} has a hint`);
  // The message is one line per problem: file:line:col  path: message (hint)
  const lines = error.message.split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0] ?? '', /^bad\.yaml:4:15 {2}topology\.services\[0\]\.calls\[0\]: .+ \(.+\)$/);
});

test('a bare number or a bad unit where a duration is expected says how to write one', () => {
  const bare = problemAt(problemsOf(MINIMAL.replace('serviceTime: 10ms', 'serviceTime: 10')), 'topology.services[1].serviceTime');
  assert.match(bare.hint, /write 10ms or 3s/);
  assert.equal(bare.line, 7);
  const unit = problemAt(problemsOf(MINIMAL.replace('duration: 5s', 'duration: 5 sec')), 'load.duration');
  assert.match(unit.message, /must be a duration/);
  assert.match(unit.hint, /us, ms, s, m, h/);
  const negative = problemAt(problemsOf(MINIMAL.replace('duration: 5s', 'duration: 0s')), 'load.duration');
  assert.match(negative.message, /longer than 0ms/);
  const unitOnNumber = problemAt(problemsOf(MINIMAL.replace('rate: 100', 'rate: 100ms')), 'load.rate');
  assert.match(unitOnNumber.hint, /not a duration/);
});

test('an unknown key suggests the key that was probably meant', () => {
  const problems = problemsOf(MINIMAL.replace('  rate: 100', '  rate: 100\n  max_in_flight: 10\n  warmpu: 1s\n  zzz: 1'));
  assert.match(problemAt(problems, 'load.max_in_flight').hint, /did you mean "maxInFlight"\?/);
  assert.match(problemAt(problems, 'load.warmpu').hint, /did you mean "warmup"\?/);
  const unrelated = problemAt(problems, 'load.zzz');
  assert.equal(unrelated.message, 'unknown key');
  assert.match(unrelated.hint, /known keys here: rate, arrival/);
});

const WITH_FAULT = (fault: string) => `${MINIMAL}faults:\n  - ${fault}\n`;

test('an unknown fault kind names the known kinds', () => {
  const p = problemAt(problemsOf(WITH_FAULT('{kind: lantency, target: frontend->user-service, at: 1s, duration: 1s}')), 'faults[0].kind');
  assert.match(p.message, /not a known fault kind/);
  assert.match(p.hint, /did you mean "latency"\?/);
  for (const kind of ['bandwidth', 'cpu-steal', 'db-lock', 'noisy-neighbour', 'partition']) assert.match(p.hint, new RegExp(kind));
  assert.equal(p.line, 12);
});

test('a link target must be an existing call edge', () => {
  const p = problemAt(problemsOf(WITH_FAULT('{kind: latency, target: user-service->frontend, at: 1s, duration: 1s, latency: 5ms}')), 'faults[0].target');
  assert.match(p.message, /user-service does not call frontend/);
  assert.match(p.hint, /frontend->user-service/);
  const unknown = problemAt(problemsOf(WITH_FAULT('{kind: partition, target: frontend->db, at: 1s, duration: 1s}')), 'faults[0].target');
  assert.match(unknown.message, /"db" is not a service/);
  const notLink = problemAt(problemsOf(WITH_FAULT('{kind: latency, target: user-service, at: 1s, duration: 1s, latency: 5ms}')), 'faults[0].target');
  assert.match(notLink.hint, /a link such as frontend->user-service/);
});

test('fault windows, replica indexes and kind parameters are checked against the rest of the scenario', () => {
  const late = problemAt(problemsOf(WITH_FAULT('{kind: db-lock, target: user-service, at: 4s, duration: 3s}')), 'faults[0].duration');
  assert.match(late.message, /ends at 7s, past the end of the measured part at 5s/);
  assert.match(late.hint, /load\.duration/);
  const replica = problemAt(problemsOf(WITH_FAULT('{kind: kill, target: "user-service#1", at: 1s, duration: 1s}')), 'faults[0].target');
  assert.match(replica.message, /has 1 replica, so #1 does not exist/);
  const wrongParam = problemAt(problemsOf(WITH_FAULT('{kind: cpu-steal, target: user-service, at: 1s, duration: 1s, percent: 20, jitter: 5ms}')), 'faults[0].jitter');
  assert.match(wrongParam.hint, /jitter is a parameter of latency faults/);
  const missing = problemAt(problemsOf(WITH_FAULT('{kind: loss, target: frontend->user-service, at: 1s, duration: 1s}')), 'faults[0].percent');
  assert.equal(missing.message, 'is required');
});

test('a fault that covers the whole measured part is refused with the hint to make it a condition', () => {
  const whole = problemAt(problemsOf(WITH_FAULT('{kind: cpu-steal, target: user-service, at: 0s, duration: 5s, percent: 20}')), 'faults[0].duration');
  assert.match(whole.message, /covering the whole measured part \(5s\): nothing is measured before it to compare with, nor after it to recover in/);
  assert.match(whole.hint, /move it to conditions:/);
  // Not a whole second before it or after it is the same thing.
  problemAt(problemsOf(WITH_FAULT('{kind: latency, target: frontend->user-service, at: 500ms, duration: 4s, latency: 30ms}')), 'faults[0].duration');
  const lock = problemAt(problemsOf(WITH_FAULT('{kind: db-lock, target: user-service, at: 0s, duration: 5s}')), 'faults[0].duration');
  assert.doesNotMatch(lock.hint, /conditions/, 'a DB lock cannot be a condition; the hint says to shorten it');
  assert.match(lock.hint, /start it later or end it earlier/);
  // An incident with a second before and after it is fine.
  assert.equal(parseScenario(MINIMAL + 'faults:\n  - {kind: db-lock, target: user-service, at: 1s, duration: 3s}\n', 't.yaml').faults.length, 1);
});

test('conditions take no at or duration, and only always-on kinds', () => {
  const withCondition = (c: string) => `${MINIMAL}conditions:\n  - ${c}\n`;
  const at = problemAt(problemsOf(withCondition('{kind: latency, target: frontend->user-service, latency: 30ms, at: 1s}')), 'conditions[0].at');
  assert.match(at.hint, /on for the whole phase .* has no at or duration; for an incident .* put it under faults:/);
  const lock = problemAt(problemsOf(withCondition('{kind: db-lock, target: user-service}')), 'conditions[0].kind');
  assert.match(lock.message, /db-lock is an incident with a start and an end, not an always-on condition/);
  assert.match(lock.hint, /put it under faults:/);
  const target = problemAt(problemsOf(withCondition('{kind: cpu-steal, target: frontend->user-service, percent: 20}')), 'conditions[0].target');
  assert.match(target.message, /cannot target a link/);
});

test('topology cross-checks: entry, cycles, zones, replicas, names', () => {
  const problems = problemsOf(`
topology:
  entry: front
  services:
    - name: frontend
      calls: [user-service]
    - name: user-service
      replicas: 65
      calls: [frontend]
    - name: user-service
    - name: Bad_Name
      zones: [no, de]
      replicas: 3
load: {rate: 0, duration: 5s}
`);
  assert.match(problemAt(problems, 'topology.entry').hint, /did you mean "frontend"\?/);
  assert.match(problemAt(problems, 'topology.services[1].calls[0]').message, /call cycle frontend -> user-service -> frontend/);
  assert.match(problemAt(problems, 'topology.services[1].replicas').message, /at most 64/);
  assert.match(problemAt(problems, 'topology.services[2].name').message, /duplicate service name/);
  assert.match(problemAt(problems, 'topology.services[3].name').message, /not a valid service name/);
  assert.match(problemAt(problems, 'topology.services[3].zones').message, /2 zones for 3 replicas/);
  assert.match(problemAt(problems, 'load.rate').message, /above 0/);
});

test('routes must select a zone some replica is in', () => {
  const p = problemAt(
    problemsOf(`${MINIMAL}mesh:\n  routes:\n    - {match: {header: x-data-class}, subset: {zone: no}}\n`),
    'mesh.routes[0].subset.zone',
  );
  assert.match(p.message, /no replica is in zone "no"/);
});

test('YAML syntax errors are reported with their position', () => {
  const problems = problemsOf('load:\n  rate: 1\n  rate: 2\n');
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.line, 3);
  assert.match(problems[0]?.message ?? '', /YAML syntax/);
  assert.match(problems[0]?.hint ?? '', /only once/);
  const tabs = problemsOf('topology:\n\tservices: []\n');
  assert.equal(tabs[0]?.line, 2);
});

test('a missing file is bad input with a hint', async () => {
  await assert.rejects(loadScenario(join(root, 'scenarios/no-such-file.yaml')), (err: unknown) => {
    assert.ok(isMeshbenchError(err));
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /does not exist/);
    assert.match(err.hint, /scenarios\//);
    return true;
  });
});

test('every shipped scenario parses', async () => {
  const files = (await readdir(join(root, 'scenarios'))).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.includes('baseline.yaml') && files.includes('policy-routing.yaml'));
  for (const file of files) await loadScenario(join(root, 'scenarios', file));
});

test('the shipped baseline and policy-routing scenarios say what the brief asks', async () => {
  const baseline = await loadScenario(join(root, 'scenarios/baseline.yaml'));
  assert.deepEqual(
    baseline.topology.services.map((s) => [s.name, s.replicas, s.pool, s.serviceTime]),
    [
      ['frontend', 1, 64, { kind: 'fixed', ms: 1 }],
      ['user-service', 2, 8, { kind: 'fixed', ms: 10 }],
    ],
  );
  assert.deepEqual([baseline.load.rate, baseline.load.arrival, baseline.load.warmupS, baseline.load.durationS], [400, 'constant', 2, 10]);
  assert.deepEqual([baseline.repeats, baseline.seed, baseline.faults, baseline.mesh], [2, 42, [], DEFAULT_MESH]);

  const policy = await loadScenario(join(root, 'scenarios/policy-routing.yaml'));
  assert.deepEqual(policy.topology.services[1]?.zones, ['no', 'de']);
  assert.deepEqual(policy.mesh.routes, [
    { name: 'sensitive-norway', match: { header: 'x-data-class', value: 'sensitive-norway' }, subset: { zone: 'no' }, failClosed: true },
  ]);
  assert.deepEqual(policy.load.classes.map((c) => [c.name, c.weight, c.headers]), [
    ['ordinary', 80, {}],
    ['sensitive', 20, { 'x-data-class': 'sensitive-norway' }],
  ]);
});
