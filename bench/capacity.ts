// Why: two claims of `meshbench capacity` can only be measured, not unit-tested: that with
// contention configured the USL fit finds it (σ or κ > 0) and predicts the held-out knee within
// 15 %, and that the baseline question — nodes for 20 000 rps at p99 < 50 ms — is answered for
// both arms in a few minutes on a 2-core machine. This runs the real command, as a user would,
// and prints what it found with the sweep's wall time and the machine's load beside it.
// Usage: npm run bench:capacity [-- --runs 3 --only contention,baseline]
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CapacityResult } from '../src/capacity/result.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, only: { type: 'string' } } });
const REPO = path.resolve(import.meta.dirname, '..');

const CASES: Record<string, string[]> = {
  contention: ['scenarios/capacity-contention.yaml', '--slo', 'p99 < 300ms', '--target-rps', '300', '--replicas', '1,2,3,4'],
  baseline: ['scenarios/baseline.yaml', '--slo', 'p99 < 50ms', '--target-rps', '20000'],
};

function run(args: string[]): Promise<{ code: number; stderr: string; wallS: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO, 'bin/meshbench.js'), 'capacity', ...args], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr, wallS: (performance.now() - t0) / 1000 });
    });
  });
}

function describe(result: CapacityResult): string[] {
  const lines: string[] = [];
  for (const arm of result.arms) {
    const knees = arm.knees
      .map((k) => `${k.replicas}: ${k.maxRps ?? '—'}/${Math.round(k.nominalRps)}${k.limitedBy === 'service' || k.limitedBy === null ? '' : ` (${k.limitedBy})`}`)
      .join(', ');
    const usl = arm.usl ? `${arm.usl.lowerBound ? 'lower bound ' : ''}${arm.usl.model} λ ${arm.usl.lambda.toFixed(0)} σ ${arm.usl.sigma.toFixed(4)} κ ${arm.usl.kappa.toFixed(5)}` : 'no fit';
    const holdout = arm.holdout ? `hold-out at ${arm.holdout.replicas}: ${arm.holdout.errorPct.toFixed(1)} %` : 'no hold-out';
    const tax = arm.resources?.proxy ? `, proxy ${arm.resources.proxy.coresPer1000Rps.toFixed(2)} CPU-s per 1 000 req, RSS ${arm.resources.proxy.rssMiB.toFixed(0)} MiB` : '';
    lines.push(`  ${arm.name}: knees (measured/nominal rps) ${knees}; ${usl}; ${holdout}${tax}`);
  }
  const p = result.plan;
  const side = (a: typeof p.direct) => (a === null ? '—' : a.feasible ? `${a.replicas} replicas, ${a.nodes} nodes` : 'no plan');
  lines.push(`  plan: direct ${side(p.direct)}; meshed ${side(p.meshed)}; mesh costs ${p.meshCostNodes ?? '—'} nodes; trustworthy ${p.trustworthy}`);
  return lines;
}

const only = values.only?.split(',') ?? Object.keys(CASES);
for (const name of only) {
  const args = CASES[name];
  if (!args) throw new Error(`unknown case ${name}; cases: ${Object.keys(CASES).join(', ')}`);
  for (let i = 0; i < Number(values.runs); i++) {
    const out = await mkdtemp(path.join(os.tmpdir(), `meshbench-bench-capacity-${name}-`));
    const load = os.loadavg()[0]!.toFixed(2);
    const r = await run([...args, '--quiet', '--out', out]);
    console.log(`${name} run ${i + 1}: exit ${r.code}, wall time ${r.wallS.toFixed(0)} s, load average before ${load}`);
    if (r.code > 1) {
      console.log(r.stderr);
      continue;
    }
    const result = JSON.parse(await readFile(path.join(out, 'capacity.json'), 'utf8')) as CapacityResult;
    for (const line of describe(result)) console.log(line);
  }
}
