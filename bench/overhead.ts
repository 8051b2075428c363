// Why: the cost of the extra hop is the number users weigh against everything the mesh buys.
// This measures it the way the tool measures everything: open-loop load at 1 000 rps, 1 KB
// responses, direct and meshed alternating in one run (same machine state for both), latency
// from the intended send time. Usage: npm run bench:overhead [-- --rate 1000 --duration 10 --repeats 3]
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runScenario } from '../src/runner/run-scenario.ts';
import { parseScenario } from '../src/scenario/parse.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '3' },
  },
});

const yaml = `
name: bench-overhead
seed: 7
repeats: ${values.repeats}
topology:
  services:
    - name: echo
      replicas: 1
      serviceTime: 1ms
      pool: 1024
      responseBytes: 1024
load:
  rate: ${values.rate}
  arrival: constant
  warmup: 3s
  duration: ${values.duration}s
mesh:
  port: 0
  adminPort: 0
`;

const scenario = parseScenario(yaml, 'bench/overhead.ts (inline scenario)');
const runDir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-bench-'));
const result = await runScenario(scenario, { runDir, quiet: true });
const direct = result.arms.find((a) => a.name === 'direct')!;
const meshed = result.arms.find((a) => a.name === 'meshed')!;
const added = result.comparison!.addedMs;
const fmt = (n: number) => n.toFixed(3);

console.log(`machine: ${result.environment.cpuModel} × ${result.environment.cpus}, node ${result.environment.node}, kernel ${result.environment.kernel}`);
console.log(`load: ${values.rate} rps open loop (constant), 1 KB responses, ${values.duration} s × ${values.repeats} repeats per arm, arms alternating`);
console.log(`arm      p50 ms   p99 ms   p99.9 ms  ok/sent`);
for (const arm of [direct, meshed]) {
  console.log(`${arm.name.padEnd(8)} ${fmt(arm.latencyMs.p50).padStart(7)}  ${fmt(arm.latencyMs.p99).padStart(7)}  ${fmt(arm.latencyMs.p999).padStart(8)}  ${arm.requests.ok}/${arm.requests.sent}`);
}
console.log(`added p50: ${fmt(added.p50)} ms (ratio ${result.comparison!.ratio.p50.toFixed(3)})`);
console.log(`added p99: ${fmt(added.p99)} ms (ratio ${result.comparison!.ratio.p99.toFixed(3)})`);
const counters = meshed.proxy?.counters ?? {};
const rss = counters.process_resident_memory_bytes;
const cpu = counters.process_cpu_seconds_total;
if (rss !== undefined) console.log(`proxy RSS: ${(rss / 2 ** 20).toFixed(1)} MB`);
if (cpu !== undefined) {
  const phaseSeconds = Number(values.duration) + 3;
  console.log(`proxy CPU: ${((cpu / phaseSeconds) * 100 / (Number(values.rate) / 1000)).toFixed(1)} % of a core per 1 000 rps (last meshed phase, warmup included)`);
}
console.log(`generator send lateness p99: direct ${fmt(direct.sendLatenessMs.p99)} ms, meshed ${fmt(meshed.sendLatenessMs.p99)} ms (the measurement floor)`);
