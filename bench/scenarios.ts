// Why: each shipped scenario promises an outcome in its header ("direct does not recover,
// meshed recovers within seconds"). This runs them repeatedly and reports how often the promise
// held and how much the figures spread from run to run — fidelity is measured, not assumed.
// It also counts how often each run was valid, and why not (the validity reasons), and where each
// run's wall time went: sending load (warmups and measured parts) or fixed overheads (processes
// starting, topologies coming up and down, faults set up, the analysis and report).
// Usage: npm run bench:scenarios [-- --runs 10 --only retry-storm,baseline --gap 60]
// (--gap: seconds to wait between runs, so the 1-minute load average a run leaves behind has
// decayed before the next one measures the machine.)
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ArmResult, RunResult } from '../src/result/types.ts';
import { auditPolicyRouting } from '../src/report/policy-audit.ts';
import { runScenario } from '../src/runner/run-scenario.ts';
import { loadScenario } from '../src/scenario/parse.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, only: { type: 'string' }, gap: { type: 'string', default: '0' } } });

const arm = (r: RunResult, name: string): ArmResult => r.arms.find((a) => a.name === name)!;
const recovered = (a: ArmResult) => a.recovery.length > 0 && a.recovery.every((x) => x.recoveredAfterS !== null);

/** The outcome each scenario's header promises, as a check on one result. */
const EXPECTED: Record<string, { promise: string; holds: (r: RunResult) => boolean }> = {
  baseline: {
    promise: 'no errors in either arm; meshed p50 ≥ direct p50',
    holds: (r) => arm(r, 'direct').errorRate === 0 && arm(r, 'meshed').errorRate === 0 && arm(r, 'meshed').latencyMs.p50 >= arm(r, 'direct').latencyMs.p50,
  },
  'retry-storm': {
    promise: 'direct amplification ≥ 2.5 and never recovers; meshed amplification ≤ 1.4 and recovers',
    holds: (r) =>
      arm(r, 'direct').amplification!.peak >= 2.5 && !recovered(arm(r, 'direct')) && arm(r, 'meshed').amplification!.peak <= 1.4 && recovered(arm(r, 'meshed')),
  },
  'oslo-frankfurt': {
    promise: 'direct retries (amplification > 1.2), meshed does not (< 1.1) and has under 1 % errors',
    holds: (r) => arm(r, 'direct').amplification!.peak > 1.2 && arm(r, 'meshed').amplification!.peak < 1.1 && arm(r, 'meshed').errorRate < 0.01,
  },
  'packet-loss': {
    promise: 'meshed waits out retransmissions (p99 ≥ 200 ms, no errors); direct retries them (amplification above meshed)',
    holds: (r) =>
      arm(r, 'meshed').latencyMs.p99 >= 200 && arm(r, 'meshed').errorRate === 0 && arm(r, 'direct').amplification!.peak > arm(r, 'meshed').amplification!.peak,
  },
  'policy-routing': {
    promise: 'no sensitive-norway request reaches a zone other than no; no errors',
    holds: (r) => (auditPolicyRouting(r) ?? []).every((a) => a.outside === 0 && a.total > 0) && arm(r, 'meshed').errorRate === 0,
  },
  'cpu-steal': {
    promise: 'meshed (peak-EWMA) p99 below direct (round robin) p99',
    holds: (r) => arm(r, 'meshed').latencyMs.p99 < arm(r, 'direct').latencyMs.p99,
  },
  'db-lock-over-wan': {
    promise: 'direct never above 3 attempts per request; meshed recovers from the lock; a steady-state line and a lock line in the verdict',
    holds: (r) =>
      arm(r, 'direct').amplification!.peak <= 3 &&
      recovered(arm(r, 'meshed')) &&
      r.verdict[0]!.startsWith('Steady state') &&
      r.verdict.some((l) => l.startsWith('Incident "db-lock user-service"')),
  },
};

/** Seconds a run spent sending load: every phase's warmup and measured part. */
function loadSeconds(r: RunResult): number {
  return r.arms.reduce((sum, a) => sum + a.repeats.reduce((s, rep) => s + (rep.warmup?.ms ?? 0) + rep.measuredMs, 0), 0) / 1000;
}

function spread(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const fmt = (n: number) => (Math.abs(n) >= 10 ? n.toFixed(0) : n.toFixed(2));
  return s.length === 0 ? '—' : `median ${fmt(s[Math.floor(s.length / 2)]!)} (min ${fmt(s[0]!)}, max ${fmt(s.at(-1)!)})`;
}

const names = values.only ? values.only.split(',') : Object.keys(EXPECTED);
const runs = Number(values.runs);
console.log(`${runs} run(s) per scenario; ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}, kernel ${os.release()}`);
for (const name of names) {
  const expected = EXPECTED[name];
  if (!expected) throw new Error(`unknown scenario ${name}`);
  const scenario = await loadScenario(`scenarios/${name}.yaml`);
  const results: RunResult[] = [];
  const walls: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i > 0 && Number(values.gap) > 0) await new Promise((r) => setTimeout(r, Number(values.gap) * 1000));
    const runDir = await mkdtemp(path.join(os.tmpdir(), `meshbench-bench-${name}-`));
    const started = performance.now();
    const r = await runScenario({ ...scenario, seed: scenario.seed + i }, { runDir, quiet: true });
    walls.push((performance.now() - started) / 1000);
    loads.push(loadSeconds(r));
    results.push(r);
    const reasons = r.validity.reasons.map((x) => x.check).join(', ');
    console.log(`  run ${i + 1}: ${r.validity.status}${reasons ? ` (${reasons})` : ''}; load ${r.host.loadAverageBefore?.[0].toFixed(2)} → ${r.host.loadAverageAfter?.[0].toFixed(2)}; floor p99 ${Math.max(...r.arms.map((a) => a.sendLatenessMs.p99)).toFixed(1)} ms; ${r.verdict[0]}`);
  }
  const held = results.filter(expected.holds).length;
  console.log(`\n${name}: promise held in ${held}/${runs} runs — ${expected.promise}`);
  for (const armName of scenario.arms) {
    const arms = results.map((r) => arm(r, armName));
    const rec = arms.flatMap((a) => a.recovery.map((x) => x.recoveredAfterS));
    console.log(
      `  ${armName.padEnd(7)} p50 ${spread(arms.map((a) => a.latencyMs.p50))} ms · p99 ${spread(arms.map((a) => a.latencyMs.p99))} ms · errors ${spread(arms.map((a) => a.errorRate * 100))} %` +
        (arms[0]!.amplification ? ` · amplification peak ${spread(arms.map((a) => a.amplification!.peak))}×` : '') +
        (rec.length > 0 ? ` · recovered ${rec.filter((x) => x !== null).length}/${rec.length}, after ${spread(rec.filter((x): x is number => x !== null))} s` : ''),
    );
  }
  console.log(`  wall time per run: ${spread(walls)} s, of which load ${spread(loads)} s, fixed overheads ${spread(walls.map((w, i) => w - loads[i]!))} s`);
  console.log(`  floor (send lateness p99): ${spread(results.flatMap((r) => r.arms.map((a) => a.sendLatenessMs.p99)))} ms`);
  const statuses = ['valid', 'inconclusive', 'invalid'].map((s) => `${s} ${results.filter((r) => r.validity.status === s).length}`);
  const reasons = new Map<string, number>();
  for (const r of results) for (const c of new Set(r.validity.reasons.map((x) => x.check))) reasons.set(c, (reasons.get(c) ?? 0) + 1);
  console.log(`  validity: ${statuses.join(', ')}${reasons.size > 0 ? ` — reasons: ${[...reasons].map(([c, n]) => `${c} ${n}`).join(', ')}` : ''}`);
}
