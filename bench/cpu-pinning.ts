// Why: `run --cpu-pinning on` gives the load generator a CPU of its own so the proxy and the
// services cannot wake it late — on 2 CPUs at the price of the proxy and the services sharing the
// other one. Whether that lowers the floor (the generator's send lateness) and what it costs the
// latency being measured is a question for this machine, so this runs the baseline scenario
// alternating unpinned (`off`) and pinned (`on`), and prints per run the floor per arm, direct and
// meshed p50/p99 and the proxy's CPU, then the medians per mode.
// Usage: flock /tmp/meshbench-bench.lock npm run bench:pinning [-- --runs 3 --duration 10 --gap 0 --scenario scenarios/baseline.yaml]
// (--gap: seconds to wait between runs, so the load average a run leaves behind decays before
// the next one measures the machine.)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ArmResult, RunResult } from '../src/result/types.ts';
import { runScenario } from '../src/runner/run-scenario.ts';
import type { CpuPinningMode } from '../src/runtime/cpu-pinning.ts';
import { applyOverrides } from '../src/scenario/overrides.ts';
import { loadScenario } from '../src/scenario/parse.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    gap: { type: 'string', default: '0' },
    scenario: { type: 'string', default: 'scenarios/baseline.yaml' },
  },
});
const runs = Number(values.runs);
const scenario = applyOverrides(await loadScenario(values.scenario), { durationS: Number(values.duration) });
const MODES: CpuPinningMode[] = ['off', 'on'];

interface Row {
  mode: CpuPinningMode;
  run: number;
  pinning: string;
  loadBefore: number;
  /** Share of the VM's CPU time the hypervisor gave to other guests during the run. */
  steal: number | null;
  floorDirect: [number, number];
  floorMeshed: [number, number];
  direct: [number, number];
  meshed: [number, number];
  /** Proxy CPU cores over the measured parts, and per 1 000 proxied rps. */
  proxyCores: number | null;
  proxyPerKiloRps: number | null;
  validity: string;
}

const arm = (r: RunResult, name: string): ArmResult => r.arms.find((a) => a.name === name)!;

function proxyCores(meshed: ArmResult): number | null {
  const processes = meshed.proxy?.processes ?? [];
  const measuredS = meshed.repeats.reduce((s, r) => s + r.measuredMs, 0) / 1000;
  if (processes.length === 0 || processes.some((p) => p.cpuSeconds === null) || measuredS === 0) return null;
  return processes.reduce((s, p) => s + p.cpuSeconds!, 0) / measuredS;
}

function row(mode: CpuPinningMode, run: number, r: RunResult): Row {
  const d = arm(r, 'direct');
  const m = arm(r, 'meshed');
  const p = r.host.cpuPinning;
  const pinning = p?.applied ? `generator ${p.applied.generator}, proxy ${p.applied.proxy}, services ${p.applied.services}` : `unpinned (${p?.reason ?? 'not recorded'})`;
  return {
    mode,
    run,
    pinning,
    loadBefore: r.host.loadAverageBefore?.[0] ?? NaN,
    steal: r.host.hypervisorSteal ?? null,
    floorDirect: [d.sendLatenessMs.p50, d.sendLatenessMs.p99],
    floorMeshed: [m.sendLatenessMs.p50, m.sendLatenessMs.p99],
    direct: [d.latencyMs.p50, d.latencyMs.p99],
    meshed: [m.latencyMs.p50, m.latencyMs.p99],
    proxyCores: proxyCores(m),
    proxyPerKiloRps: m.proxy?.cpuPerKiloRps ?? null,
    validity: r.validity.reasons.length > 0 ? `${r.validity.status} (${[...new Set(r.validity.reasons.map((x) => x.check))].join(', ')})` : r.validity.status,
  };
}

const ms = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
const pair = ([p50, p99]: [number, number]) => `${ms(p50)} / ${ms(p99)}`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const root = await mkdtemp(path.join(os.tmpdir(), 'meshbench-bench-pinning-'));
const rows: Row[] = [];
try {
  console.log(
    `${scenario.name}: ${scenario.load.rate} rps, ${scenario.repeats} repeats per arm, ${scenario.load.durationS} s measured per phase; ${runs} run(s) per mode, alternating ${MODES.join('/')}; ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}, kernel ${os.release()}`,
  );
  console.log('mode | run | load avg before | hypervisor steal | floor direct p50 / p99 ms | floor meshed p50 / p99 ms | direct p50 / p99 ms | meshed p50 / p99 ms | proxy CPU cores | proxy cores per 1k rps | validity | pinning');
  for (let i = 1; i <= runs; i++) {
    for (const mode of MODES) {
      if (rows.length > 0) await new Promise((r) => setTimeout(r, Number(values.gap) * 1000));
      const result = await runScenario(scenario, { runDir: path.join(root, `${mode}-${i}`), quiet: true, cpuPinning: mode });
      const r = row(mode, i, result);
      rows.push(r);
      console.log(
        [
          r.mode,
          r.run,
          r.loadBefore.toFixed(2),
          r.steal === null ? '?' : `${(100 * r.steal).toFixed(1)} %`,
          pair(r.floorDirect),
          pair(r.floorMeshed),
          pair(r.direct),
          pair(r.meshed),
          r.proxyCores?.toFixed(3) ?? '?',
          r.proxyPerKiloRps?.toFixed(3) ?? '?',
          r.validity,
          r.pinning,
        ].join(' | '),
      );
    }
  }
  console.log('\nmedians per mode:');
  console.log('mode | floor direct p50 / p99 ms | floor meshed p50 / p99 ms | direct p50 / p99 ms | meshed p50 / p99 ms | proxy CPU cores');
  for (const mode of MODES) {
    const of = rows.filter((r) => r.mode === mode);
    const med = (f: (r: Row) => [number, number]): [number, number] => [median(of.map((r) => f(r)[0])), median(of.map((r) => f(r)[1]))];
    const cores = of.map((r) => r.proxyCores).filter((c) => c !== null);
    console.log(
      [mode, pair(med((r) => r.floorDirect)), pair(med((r) => r.floorMeshed)), pair(med((r) => r.direct)), pair(med((r) => r.meshed)), cores.length ? median(cores).toFixed(3) : '?'].join(' | '),
    );
  }
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
