// `meshbench capacity` refuses bad input before it starts anything: exit 2 with the flag, the
// problem and a fix; a backend it cannot use is an environment problem (exit 3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelCapacity } from '../../src/capacity/model.ts';
import { uslThroughput } from '../../src/capacity/usl.ts';
import { syntheticSweep } from './fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/meshbench.js', import.meta.url));
let dir = '';

function meshbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const SCENARIO = `
name: cli
topology:
  entry: frontend
  services:
    - name: frontend
      calls: [users]
    - name: users
      pool: 8
      serviceTime: 10ms
load: {rate: 10, duration: 5s}
`;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'meshbench-capacity-cli-'));
  await writeFile(path.join(dir, 's.yaml'), SCENARIO);
  await writeFile(path.join(dir, 'k8s.yaml'), `${SCENARIO}backend: kubernetes\n`);
  const request = { targetRps: 1000, headroom: 0.3, node: { cores: 4, memoryMiB: 16_384, maxPods: 110 }, proxyModel: 'daemonset' as const };
  const linear = syntheticSweep([{ name: 'direct', capacity: (n) => 800 * n }, { name: 'meshed', capacity: (n) => 800 * n }]);
  await writeFile(path.join(dir, 'linear.json'), JSON.stringify(modelCapacity(linear, request)));
  const usl = { lambda: 200, sigma: 0.1, kappa: 0.02 };
  const contended = syntheticSweep([{ name: 'direct', capacity: (n) => uslThroughput(usl, n) }], [1, 2, 3, 4]);
  await writeFile(path.join(dir, 'contended.json'), JSON.stringify(modelCapacity(contended, request)));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ok = ['s.yaml', '--slo', 'p99 < 50ms', '--target-rps', '20000'];

test('each bad flag is refused with exit 2, naming the flag and the fix', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['s.yaml', '--target-rps', '100'], /capacity needs at least one --slo[\s\S]*hint: give the latency you promise/],
    [['s.yaml', '--slo', 'p99 < 50', '--target-rps', '100'], /SLO "p99 < 50": cannot compare a time with a plain number at column 7[\s\S]*hint: give the threshold a unit, e\.g\. 50ms/],
    [['s.yaml', '--slo', 'meshed.p99 < 50ms', '--target-rps', '100'], /an SLO names no arm or baseline/],
    [['s.yaml', '--slo', 'p99 > 5ms', '--target-rps', '100'], /bounds p99 from below[\s\S]*E_SLO_SHAPE/],
    [[...ok, '--node-memory', '16'], /--node-memory: "16" is not a memory size with a unit[\s\S]*hint: write e\.g\. --node-memory 16Gi/],
    [[...ok, '--node-memory', '100Ti'], /--node-memory: 100Ti is not a node's memory/],
    [[...ok, '--node-cores', '0.1'], /--node-cores: 0\.1 cores is not a node/],
    [[...ok, '--headroom', '30'], /--headroom: "30" is not a percentage[\s\S]*--headroom 30%/],
    [[...ok, '--replicas', '2'], /--replicas: 1 count\(s\); a fit needs at least two/],
    [[...ok, '--replicas', '1,2,99'], /--replicas: "99" is not a replica count from 1 to 64/],
    [[...ok, '--service', 'nope'], /--service nope: s\.yaml has no such service[\s\S]*services: frontend, users/],
    [[...ok, '--proxy-model', 'mesh'], /--proxy-model: "mesh" is not a proxy model/],
    [[...ok, '--step', '2'], /--step: "2" is not a duration with a unit/],
    [['s.yaml', '--slo', 'p99 < 50ms', '--target-rps', '1e9'], /no replica count of users can serve 1300000000 rps/],
    [['missing.yaml', ...ok.slice(1)], /scenario file missing\.yaml does not exist/],
  ];
  for (const [args, pattern] of cases) {
    const r = await meshbench('capacity', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.equal(r.stdout, '', 'nothing was measured');
  }
});

test('a backend capacity cannot use yet is an environment problem (exit 3), found before anything starts', async () => {
  const r = await meshbench('capacity', 'k8s.yaml', '--slo', 'p99 < 50ms', '--target-rps', '100', '--out', 'out');
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /backend "kubernetes" is not available for capacity sweeps[\s\S]*capacity sweeps run on the embedded backend/);
});

test('--from re-plans a saved sweep without measuring: another target, another node size', async () => {
  const r = await meshbench('capacity', '--from', 'linear.json', '--target-rps', '50000', '--node-cores', '8', '--node-memory', '32Gi', '--out', 'replan');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^To serve 50000 rps with 30 % headroom \(65000 rps\) at p99 < 50ms: direct 83 replicas on \d+ nodes?, meshed 83 replicas on \d+ nodes \(user-service; nodes of 8 cores, 32\.0 GiB/m);
  assert.match(r.stdout, /capacity: .*replan\/capacity\.json/);
  const saved = JSON.parse(await readFile(path.join(dir, 'replan', 'capacity.json'), 'utf8'));
  assert.equal(saved.plan.targetRps, 50_000);
  assert.equal(saved.id, 'abcd1234', 'the sweep is the saved one');
});

test('a target the fitted model never reaches gets no plan, said with the model’s limit, and exit 1', async () => {
  const r = await meshbench('capacity', '--from', 'contended.json', '--target-rps', '1000', '--out', 'peaked');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /direct: no plan/);
  assert.match(r.stdout, /direct: no plan — the fitted model never reaches 1300 rps: with contention σ = 0\.\d+ throughput approaches λ\/σ = \d+ rps however many replicas run/);
});

test('--from refuses what would change the sweep, and files that are not a capacity result', async () => {
  const slo = await meshbench('capacity', '--from', 'linear.json', '--slo', 'p99 < 10ms', '--target-rps', '100');
  assert.equal(slo.code, 2);
  assert.match(slo.stderr, /--slo shapes a sweep; --from re-plans the saved one as it was measured/);
  const both = await meshbench('capacity', 's.yaml', '--from', 'linear.json', '--target-rps', '100');
  assert.match(both.stderr, /re-plans a saved sweep; it takes no scenario/);
  const wrong = await meshbench('capacity', '--from', 's.yaml', '--target-rps', '100');
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /s\.yaml is not valid JSON/);
  await writeFile(path.join(dir, 'run.json'), JSON.stringify({ schema: 'meshbench.run-result', version: 1 }));
  const run = await meshbench('capacity', '--from', 'run.json', '--target-rps', '100');
  assert.match(run.stderr, /run\.json is not a meshbench capacity result \(schema: "meshbench\.run-result"\)/);
  const none = await meshbench('capacity', '--target-rps', '100');
  assert.match(none.stderr, /name a scenario to sweep, or --from a saved capacity\.json/);
});
