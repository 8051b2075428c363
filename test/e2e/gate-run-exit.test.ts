// The CI contract of `meshbench run` with the scenario's own gates, as a pipeline runs it:
// exit 1 and a FAIL line when a gate fails, exit 0 when it passes, and exit 2 for a malformed
// gate before anything starts (so a typo never costs a whole run). On a busy machine the run is
// not valid and a gate says INCONCLUSIVE with what it would have been; the exit code then
// follows gateOptions.inconclusive, so the scenarios here set it to what the gate would give.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/meshbench.js', import.meta.url));
let dir = '';

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-run-gates-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function meshbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** A one-second, one-arm scenario whose only job is to be gated. */
async function scenarioWithGate(name: string, gate: string, inconclusive: 'pass' | 'fail' = 'pass'): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `name: ${name}
seed: 5
repeats: 1
arms: [meshed]
topology:
  services:
    - name: users
      serviceTime: 2ms
      pool: 16
load:
  rate: 50
  warmup: 0s
  duration: 1s
mesh:
  port: 0
  adminPort: 0
gates:
  - "${gate}"
gateOptions: {inconclusive: ${inconclusive}}
`,
  );
  return file;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

test('a scenario gate that cannot hold makes `meshbench run` exit 1 with a FAIL line naming it', async () => {
  const file = await scenarioWithGate('impossible', 'meshed.p99 < 1ms', 'fail');
  const out = path.join(dir, 'out-impossible');
  const r = await meshbench('run', file, '--out', out, '--quiet');
  assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^(FAIL meshed\.p99 < 1ms — |INCONCLUSIVE meshed\.p99 < 1ms — .*not a valid comparison \(it would fail\))/m);
  assert.ok(await exists(path.join(out, 'result.json')), 'the result is still written for `meshbench gate` and the report');
});

test('a scenario gate that holds lets `meshbench run` exit 0', async () => {
  const file = await scenarioWithGate('generous', 'meshed.p99 < 10s');
  const r = await meshbench('run', file, '--out', path.join(dir, 'out-generous'), '--quiet');
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^(PASS meshed\.p99 < 10s — |INCONCLUSIVE meshed\.p99 < 10s — .*not a valid comparison \(it would pass\))/m);
  assert.doesNotMatch(r.stdout, /^FAIL /m);
});

test('a malformed scenario gate exits 2 from `validate` and from `run`, before anything starts', async () => {
  const file = await scenarioWithGate('malformed', 'meshed.p99 < 25');
  const validate = await meshbench('validate', file);
  assert.equal(validate.code, 2, `${validate.stdout}${validate.stderr}`);
  assert.match(validate.stderr, /malformed\.yaml:18:5 +gates\[0\]: .*cannot compare a time with a plain number/);
  assert.match(validate.stderr, /give the threshold a unit/);

  const out = path.join(dir, 'out-malformed');
  const run = await meshbench('run', file, '--out', out, '--quiet');
  assert.equal(run.code, 2, `${run.stdout}${run.stderr}`);
  assert.match(run.stderr, /gates\[0\]: .*cannot compare a time with a plain number/);
  // The run directory is the first thing a run creates; its absence means nothing was started.
  assert.equal(await exists(out), false, 'run created its output directory, so it started');
});
