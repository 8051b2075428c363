// `meshbench capacity` refuses bad input before it starts anything: exit 2 with the flag, the
// problem and a fix; a backend it cannot use is an environment problem (exit 3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
  assert.match(r.stderr, /backend "kubernetes" is not available[\s\S]*capacity sweeps run on the embedded backend/);
});
