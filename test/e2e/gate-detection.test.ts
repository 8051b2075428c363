// End to end: a real regression, measured by the real runner, fails `meshed.p99 regresses < 10%`
// against a real baseline — through evaluateGates and through `meshbench gate` — while a second,
// unchanged run (A/A) does not fail.
//
// The regression: users' fixed service time goes from 10 ms to 50 ms (a query that got 5× slower,
// e.g. a lost index). Why that big: on a shared 2-core machine the P99 of a 10 ms service is not
// 10–11 ms but 17–46 ms, set by scheduling stalls, and it drifts from run to run. Measured here
// (3 repeats × 3 s at 200 rps, other test suites running): across 42 A/A pairs of runs up to
// minutes apart the P99 change ranged from −46 % to +86 % (6 of them even failed the gate: a
// quiet baseline against a busy current run), and against the same baselines a +5 ms (15 ms)
// regression failed the gate in 6 of 21 pairs, +10 ms in 11 of 21, +15 ms in 13 of 14 and
// +20 ms in 21 of 21 — yet in a later run at load average 2.5 a baseline repeat reached a P99 of
// 49.5 ms and +20 ms was only inconclusive. A gate that fails only when its whole interval is
// past +10 % cannot see a change smaller than that noise, so a smaller regression makes this
// test a coin toss; +40 ms puts every regressed repeat's P99 past the noisiest baseline seen.
// The three runs go back to back (~50 s) so the drift between them stays small.
// On a machine whose validity checks fail (busy, another run active) a gate is INCONCLUSIVE by
// design; the statistics under test are then read from what it says it would have been. A VM
// whose hypervisor takes its CPUs away (17–34 % of the time in one CI rehearsal: a baseline
// repeat's P99 reached 164 ms) makes any comparison a coin toss, so the three runs are measured
// again, up to three times, until the hypervisor leaves them alone; if it never does, the gate
// may only say INCONCLUSIVE (never PASS) for the regression, and the figures are printed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HYPERVISOR_STEAL_MAX } from '../../src/analysis/validity.ts';
import { evaluateGates } from '../../src/gate/evaluate.ts';
import type { RunResult } from '../../src/result/types.ts';
import { writeReport } from '../../src/report/write-report.ts';
import { runScenario } from '../../src/runner/run-scenario.ts';
import { parseScenario } from '../../src/scenario/parse.ts';

const BIN = fileURLToPath(new URL('../../bin/meshbench.js', import.meta.url));
const GATE = 'meshed.p99 regresses < 10%';
const dirs: string[] = [];

after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tmpDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'meshbench-gate-e2e-'));
  dirs.push(d);
  return d;
}

function scenario(serviceTime: string, seed: number): string {
  return `
name: gate-detection
seed: ${seed}
repeats: 3
arms: [meshed]
topology:
  services:
    - name: users
      serviceTime: ${serviceTime}
      pool: 64
load:
  rate: 200
  arrival: constant
  warmup: 1s
  duration: 3s
mesh:
  port: 0
  adminPort: 0
`;
}

async function run(serviceTime: string, seed: number): Promise<{ result: RunResult; json: string }> {
  const runDir = await tmpDir();
  const result = await runScenario(parseScenario(scenario(serviceTime, seed), 'inline.yaml'), { runDir, quiet: true });
  const written = await writeReport(result, runDir);
  return { result, json: written.json };
}

function meshbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

function p99s(r: RunResult): string {
  return r.arms[0]!.repeats.map((x) => x.latencyMs.p99.toFixed(1)).join(', ');
}

let baseline: { result: RunResult; json: string };
let unchanged: { result: RunResult; json: string };
let regressed: { result: RunResult; json: string };
/** The largest share of CPU time the hypervisor took during any of the three runs. */
let steal = 0;
before(async () => {
  for (let attempt = 1; attempt <= 3; attempt++) {
    baseline = await run('10ms', 1);
    unchanged = await run('10ms', 2);
    regressed = await run('50ms', 3);
    steal = Math.max(...[baseline, unchanged, regressed].map((r) => r.result.host.hypervisorSteal ?? 0));
    if (steal <= HYPERVISOR_STEAL_MAX) return;
    console.log(`attempt ${attempt}: the hypervisor took up to ${(100 * steal).toFixed(1)} % of the CPU time during the runs`);
  }
});

/** Whether the machine, not the statistics, decided: every attempt was stolen from and the gate says so. */
const stolenFrom = (verdict: string) => steal > HYPERVISOR_STEAL_MAX && /^INCONCLUSIVE .*hypervisor gave/s.test(verdict);

const options = () => ({ baseline: baseline.result, confidence: 0.95, inconclusive: 'pass' as const });

test('a real +40 ms service-time regression fails `meshed.p99 regresses < 10%`', () => {
  const report = evaluateGates(regressed.result, [GATE], options());
  const gate = report.gates[0]!;
  const context = `baseline p99 per repeat [${p99s(baseline.result)}] ms, regressed [${p99s(regressed.result)}] ms: ${gate.verdict}`;
  assert.notEqual(gate.status, 'pass', context);
  const failed = gate.status === 'fail' || (gate.status === 'inconclusive' && gate.validity.length > 0 && /\(it would fail\)/.test(gate.verdict));
  if (!failed && stolenFrom(gate.verdict)) return console.log(`not judged: ${context}`);
  assert.ok(failed, context);
  assert.ok(gate.interval && gate.interval.lo > 0.1, context);
});

test('an unchanged second run (A/A) does not fail the same gate', () => {
  const report = evaluateGates(unchanged.result, [GATE], options());
  const gate = report.gates[0]!;
  assert.notEqual(gate.status, 'fail', `baseline p99 per repeat [${p99s(baseline.result)}] ms, A/A [${p99s(unchanged.result)}] ms: ${gate.verdict}`);
  assert.equal(report.exitCode, 0);
});

test('`meshbench gate` on the regressed result.json exits 1 and writes a JUnit failure naming the gate', async () => {
  const out = await tmpDir();
  const junit = path.join(out, 'j.xml');
  // The regression is played by a changed service time, which is a changed scenario: said so.
  const r = await meshbench('gate', regressed.json, '--baseline', baseline.json, '--gate', GATE, '--junit', junit, '--inconclusive', 'fail', '--allow-scenario-change');
  assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
  const detected = /^(FAIL meshed\.p99 regresses < 10% — |INCONCLUSIVE meshed\.p99 regresses < 10% — .*\(it would fail\))/m;
  if (!detected.test(r.stdout) && stolenFrom(r.stdout.split('\n').find((l) => l.startsWith('INCONCLUSIVE')) ?? '')) console.log(`not judged: ${r.stdout}`);
  else assert.match(r.stdout, detected);
  const xml = await readFile(junit, 'utf8');
  const failing = /<testcase [^>]*name="meshed\.p99 regresses &lt; 10%"[^>]*>\s*<failure type="gate-(failed|inconclusive)"/.exec(xml);
  assert.ok(failing, xml);
  assert.match(xml, /failures="1"/);
});
