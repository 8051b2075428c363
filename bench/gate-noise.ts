// Why: a regression gate is only useful if it stays quiet on A/A pairs (same code, same
// scenario, only machine noise) and still catches a real regression. This measures both on real
// runs on this machine: a rolling baseline of K runs, then A/A candidates (each judged, then rolled
// into the baseline as CI on main would), and candidates whose service time is longer by a known
// amount. Each candidate is judged by `meshed.p99 regresses < 10%` against the K kept runs
// (noise-aware) and against the newest run alone (the within-run bootstrap only), so the two are
// compared on the same data. Runs one meshbench run at a time. A gate's status here is what its
// interval says, before the run's validity makes it inconclusive on a busy machine.
// Usage: npm run bench:gate-noise [-- --pairs 40 --keep 5 --duration 5 --repeats 2 --rate 100 --shifts 2,5,10,20 --trials 10]
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateGates, type GateResult } from '../src/gate/evaluate.ts';
import { decide } from '../src/gate/statistics.ts';
import type { RunResult } from '../src/result/types.ts';
import { runScenario } from '../src/runner/run-scenario.ts';
import { parseScenario } from '../src/scenario/parse.ts';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '40' },
    keep: { type: 'string', default: '5' },
    duration: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '2' },
    rate: { type: 'string', default: '100' },
    shifts: { type: 'string', default: '2,5,10,20' },
    trials: { type: 'string', default: '10' },
  },
});
const pairs = Number(values.pairs);
const keep = Number(values.keep);
const shifts = values.shifts.split(',').map(Number);
const trials = Number(values.trials);
const GATE = 'meshed.p99 regresses < 10%';
const SERVICE_MS = 10;

function scenarioYaml(extraMs: number): string {
  return `
name: bench-gate-noise
seed: 7
repeats: ${values.repeats}
arms: [meshed]
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      calls: [user-service]
    - name: user-service
      serviceTime: ${SERVICE_MS + extraMs}ms
load:
  rate: ${values.rate}
  warmup: 2s
  duration: ${values.duration}s
mesh:
  port: 0
  adminPort: 0
`;
}

const root = await mkdtemp(path.join(os.tmpdir(), 'meshbench-gate-noise-'));
let runs = 0;
async function run(extraMs: number): Promise<RunResult> {
  const scenario = parseScenario(scenarioYaml(extraMs), `bench/gate-noise.ts (+${extraMs} ms)`);
  const result = await runScenario(scenario, { runDir: path.join(root, `run-${++runs}`), quiet: true });
  process.stderr.write(`run ${runs} (+${extraMs} ms): meshed p99 ${result.arms[0]!.latencyMs.p99.toFixed(1)} ms, validity ${result.validity.status}\n`);
  return result;
}

/**
 * What the gate's statistics say. On a busy machine the run's validity makes every gate
 * inconclusive whatever its interval; this measures the statistics, so it takes the status the
 * interval alone gives (the "(it would fail)" of the verdict).
 */
function statisticalStatus(g: GateResult): string {
  return g.interval && g.op && g.threshold !== null ? decide(g.interval, g.op, g.threshold) : g.status;
}

function judge(candidate: RunResult, history: RunResult[]): { noiseAware: string; single: string } {
  const opts = { confidence: 0.95, inconclusive: 'pass' as const };
  return {
    noiseAware: statisticalStatus(evaluateGates(candidate, [GATE], { ...opts, baseline: history }).gates[0]!),
    single: statisticalStatus(evaluateGates(candidate, [GATE], { ...opts, baseline: history.at(-1)! }).gates[0]!),
  };
}

const history: RunResult[] = [];
for (let i = 0; i < keep; i++) history.push(await run(0));

const aa = { noiseAware: 0, single: 0 };
for (let i = 0; i < pairs; i++) {
  const candidate = await run(0);
  const j = judge(candidate, history);
  if (j.noiseAware === 'fail') aa.noiseAware++;
  if (j.single === 'fail') aa.single++;
  // As on main: the run joins the rolling baseline (regardless of validity, so every pair counts).
  history.push(candidate);
  if (history.length > keep) history.shift();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const baseP99 = median(history.map((r) => r.arms[0]!.latencyMs.p99));
const detection: Array<{ shiftMs: number; p99Change: number; noiseAware: number; single: number }> = [];
for (const shift of shifts) {
  let noiseAware = 0;
  let single = 0;
  const p99s: number[] = [];
  for (let t = 0; t < trials; t++) {
    const candidate = await run(shift);
    p99s.push(candidate.arms[0]!.latencyMs.p99);
    const j = judge(candidate, history);
    if (j.noiseAware === 'fail') noiseAware++;
    if (j.single === 'fail') single++;
  }
  detection.push({ shiftMs: shift, p99Change: median(p99s) / baseP99 - 1, noiseAware, single });
}

const pct = (k: number, n: number) => `${k}/${n} (${((100 * k) / n).toFixed(1)} %)`;
console.log(`machine: ${history[0]!.environment.cpuModel} × ${history[0]!.environment.cpus}; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`scenario: frontend → user-service ${SERVICE_MS} ms fixed, meshed arm, ${values.rate} rps, ${values.duration} s × ${values.repeats} repeats; gate "${GATE}", 95 %, baseline keeps ${keep} runs`);
const invalid = history.filter((r) => r.validity.status !== 'valid').length;
console.log(`validity of the last ${history.length} baseline runs: ${history.length - invalid} valid, ${invalid} not (gates on those would read inconclusive; counted here by their interval)`);
console.log(`A/A false alarms: noise-aware ${pct(aa.noiseAware, pairs)}, newest run only ${pct(aa.single, pairs)}`);
console.log('service time +ms  median p99 change  caught noise-aware  caught newest-run-only');
for (const d of detection) {
  console.log(`${String(d.shiftMs).padStart(16)}  ${`${(100 * d.p99Change).toFixed(0)} %`.padStart(17)}  ${pct(d.noiseAware, trials).padStart(18)}  ${pct(d.single, trials).padStart(22)}`);
}
const smallest = detection.find((d) => d.noiseAware >= 0.9 * trials);
console.log(`smallest shift caught ≥ 90 % (noise-aware): ${smallest ? `+${smallest.shiftMs} ms service time (median p99 ${(100 * smallest.p99Change).toFixed(0)} %)` : 'none of those tried'}`);
