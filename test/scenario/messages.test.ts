// Messages a person can act on: one unknown key does not hide the rest, quoted values are cut
// short, a file that is not a scenario is said to be one, merge keys and x- keys work as in
// docker-compose, and `run --toxiproxy` is checked like the scenario's `toxiproxy:` field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { seededRng } from '../../src/core/rng.ts';
import { loadScenario, parseScenario, ScenarioError, type ScenarioProblem } from '../../src/scenario/parse.ts';
import { childPids, cli } from './cli-in-process.ts';

const MINIMAL = `topology:
  services:
    - name: frontend
      calls: [user-service]
    - name: user-service
      serviceTime: 10ms
load:
  rate: 100
  duration: 5s
`;

function problemsOf(yaml: string): ScenarioProblem[] {
  try {
    parseScenario(yaml, 'x.yaml');
  } catch (err) {
    assert.ok(err instanceof ScenarioError, String(err));
    return [...err.problems];
  }
  assert.fail('accepted');
}

test('an unknown top-level key does not hide the other problems', () => {
  const found = problemsOf(`bogus: 1\n${MINIMAL.replace('rate: 100', 'rate: -1').replace('duration: 5s', 'duration: 5')}`);
  assert.deepEqual(found.map((p) => `${p.line}:${p.column} ${p.path}`), ['1:1 bogus', '9:9 load.rate', '10:13 load.duration']);
});

test('x- keys at the top level hold anchors; merge keys (<<) bring their values in, own keys win', () => {
  const s = parseScenario(
    `x-defaults: &svc {serviceTime: 10ms, pool: 8, replicas: 2}
x-notes: anything at all
topology:
  services:
    - name: frontend
      calls: [user-service]
    - <<: *svc
      name: user-service
      pool: 16
    - <<: [*svc, {responseBytes: 64}]
      name: audit
load: {rate: 100, duration: 5s}
`,
    'x.yaml',
  );
  const [, user, audit] = s.topology.services;
  assert.deepEqual([user!.pool, user!.replicas, user!.serviceTime], [16, 2, { kind: 'fixed', ms: 10 }]);
  assert.deepEqual([audit!.pool, audit!.responseBytes], [8, 64]);
  const nested = problemsOf(MINIMAL.replace('load:', 'load:\n  x-defaults: 1'));
  assert.equal(nested.length, 1);
  assert.match(nested[0]!.hint, /x- keys .* top level only/);
  assert.doesNotMatch(nested[0]!.hint, /did you mean/);
});

test('a long value is quoted cut short, and at most 50 problems are listed', () => {
  const [long] = problemsOf(`${MINIMAL}seed: "${'x'.repeat(100_000)}"\n`);
  assert.ok(`${long!.message}${long!.hint}`.length < 400, long!.message);
  assert.match(long!.message, /"x{60}…" \(100000 characters\)/);
  const many = problemsOf(`${MINIMAL}${Array.from({ length: 80 }, (_, i) => `bad${i}: 1`).join('\n')}\n`);
  assert.equal(many.length, 51);
  assert.match(many[50]!.message, /… and 30 more problems/);
});

test('a log file or a binary passed as a scenario is refused in one short line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'meshbench-notyaml-'));
  try {
    await writeFile(join(dir, 'run.log'), '2026-01-01 12:00:00 INFO something happened\n'.repeat(100_000));
    await writeFile(join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a, 0x0a]));
    // 9.9 KB of binary garbage without a NUL byte: a few lines, not kilobytes, of messages.
    const rng = seededRng(10);
    await writeFile(join(dir, 'garbage.bin'), Buffer.from(Array.from({ length: 9_900 }, () => 1 + Math.floor(rng.next() * 255))));
    const garbage = await cli('validate', join(dir, 'garbage.bin'));
    assert.equal(garbage.code, 2);
    assert.match(garbage.stderr, /not UTF-8 text/);
    assert.ok(garbage.stderr.length < 300, `${garbage.stderr.length} characters:\n${garbage.stderr}`);
    for (const [file, words] of [['run.log', /is 4\.2 MB long; a scenario is a few KB/], ['image.png', /not UTF-8 text: it is not a text file/]] as const) {
      await assert.rejects(loadScenario(join(dir, file)), (err: unknown) => isMeshbenchError(err) && err.exitCode === 2 && words.test(err.message) && err.message.length < 200);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('run --toxiproxy not-a-url is refused before anything starts', async () => {
  const state = await mkdtemp(join(tmpdir(), 'meshbench-flag-state-'));
  const previous = process.env.MESHBENCH_STATE_DIR;
  process.env.MESHBENCH_STATE_DIR = state;
  const before = childPids();
  try {
    const { code, stderr } = await cli('run', 'scenarios/oslo-frankfurt.yaml', '--toxiproxy', 'not-a-url', '--out', join(state, 'out'), '--quiet');
    assert.equal(code, 2, stderr);
    assert.match(stderr, /--toxiproxy "not-a-url" is not an http URL/);
    assert.deepEqual(childPids().filter((p) => !before.includes(p)), []);
    assert.deepEqual(await readdir(state), [], 'no ledger, no report directory');
  } finally {
    if (previous === undefined) delete process.env.MESHBENCH_STATE_DIR;
    else process.env.MESHBENCH_STATE_DIR = previous;
    await rm(state, { recursive: true, force: true });
  }
});
