// Why: `meshbench capacity` — how many replicas and nodes a target rate needs at an SLO, direct
// and meshed. Reads the scenario and flags, runs the sweep (or reads a saved one with --from),
// models and plans, writes capacity.json, the HTML report and Markdown, and prints the answer.
import type { Command } from 'commander';
import path from 'node:path';
import { badInput, ExitCode } from '../../core/errors.ts';
import { modelCapacity } from '../../capacity/model.ts';
import {
  CAPACITY_DEFAULTS,
  parseCoresFlag,
  parseMemoryFlag,
  parseNumberFlag,
  parsePercentFlag,
  parseProxyModelFlag,
  parseReplicasFlag,
  parseSecondsFlag,
} from '../../capacity/options.ts';
import { assertReachable, scaledService, stepTimeoutMs } from '../../capacity/cell.ts';
import type { PlanRequest } from '../../capacity/plan.ts';
import { createCapacityProgress } from '../../capacity/progress.ts';
import { renderCapacityText } from '../../capacity/report/text.ts';
import { writeCapacityReport } from '../../capacity/report/write.ts';
import { readCapacitySweep } from '../../capacity/read.ts';
import type { CapacitySettings, CapacitySweep } from '../../capacity/result.ts';
import { runCapacitySweep } from '../../capacity/run-capacity.ts';
import { parseSlos } from '../../capacity/slo.ts';
import { applyOverrides } from '../../scenario/overrides.ts';
import { loadScenario } from '../../scenario/parse.ts';
import { action } from '../action.ts';

interface CapacityFlags {
  slo: string[];
  targetRps: string;
  headroom: string;
  nodeCores: string;
  nodeMemory: string;
  maxPodsPerNode: string;
  proxyModel: string;
  replicas: string;
  service?: string;
  arms?: string;
  step: string;
  warmup: string;
  probe: string;
  resolution: string;
  maxRps: string;
  out?: string;
  from?: string;
  quiet?: boolean;
}

/** Flags that shape a sweep; a re-plan (--from) takes the saved sweep's. */
const SWEEP_FLAGS = ['slo', 'replicas', 'service', 'arms', 'step', 'warmup', 'probe', 'resolution', 'maxRps'] as const;

function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Every flag checked before anything starts (exit 2 on the first problem). */
function planRequest(flags: CapacityFlags): PlanRequest {
  return {
    targetRps: parseNumberFlag('--target-rps', flags.targetRps, { min: 1, max: 1e9 }, '20000'),
    headroom: parsePercentFlag('--headroom', flags.headroom, { min: 0, max: 1000 }, '30%'),
    node: {
      cores: parseCoresFlag('--node-cores', flags.nodeCores),
      memoryMiB: parseMemoryFlag('--node-memory', flags.nodeMemory),
      maxPods: parseNumberFlag('--max-pods-per-node', flags.maxPodsPerNode, { min: 2, max: 1000, integer: true }, '110'),
    },
    proxyModel: parseProxyModelFlag('--proxy-model', flags.proxyModel),
  };
}

export function register(program: Command): void {
  const d = CAPACITY_DEFAULTS;
  program
    .command('capacity')
    .description('how many replicas and nodes a target rate needs at an SLO, direct and meshed: sweep, USL fit with hold-out check, plan')
    .argument('[scenario]', 'scenario YAML file (see scenarios/)')
    .option('--slo <expr>', "an SLO every step must meet, e.g. 'p99 < 50ms' (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .requiredOption('--target-rps <n>', 'the rate to plan for, requests per second')
    .option('--headroom <percent>', 'spare capacity above the target', d.headroom)
    .option('--node-cores <n>', "a node's allocatable CPUs", d.nodeCores)
    .option('--node-memory <size>', "a node's allocatable memory (16Gi, 512Mi, 16G)", d.nodeMemory)
    .option('--max-pods-per-node <n>', 'pods a node may run', d.maxPodsPerNode)
    .option('--proxy-model <model>', 'daemonset (one proxy per node) or sidecar (one per pod)', d.proxyModel)
    .option('--replicas <list>', 'replica counts of the scaled service to measure; the largest is held out to check the model', d.replicas)
    .option('--service <name>', "the service to scale (default: the entry's deepest callee)")
    .option('--arms <list>', 'comma-separated arms, e.g. direct,meshed (default: the scenario\'s)')
    .option('--step <duration>', 'measured time of each open-loop step', d.step)
    .option('--warmup <duration>', 'unrecorded warmup before each step', d.warmup)
    .option('--probe <duration>', 'closed-loop saturation probe per replica count', d.probe)
    .option('--resolution <percent>', 'bisect until the knee is bracketed this narrowly', d.resolution)
    .option('--max-rps <n>', 'highest rate the sweep may offer (what this machine can generate)', d.maxRps)
    .option('--out <dir>', 'directory for capacity.json and the report (default: reports/<scenario>-capacity-<time>, or the --from file\'s)')
    .option('--from <capacity.json>', 're-plan a saved sweep for another target, headroom or node size, without measuring')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Examples:
  $ meshbench capacity scenarios/baseline.yaml --slo 'p99 < 50ms' --target-rps 20000
  $ meshbench capacity --from reports/baseline-capacity-…/capacity.json --target-rps 50000 --node-cores 8 --node-memory 32Gi

Exit codes: 0 every arm has a plan · 1 an arm has none (target unreachable, node too small,
no knee): the report says why · 2 bad input · 3 environment problem.
`,
    )
    .action(
      action(async (file: string | undefined, flags: CapacityFlags, command: Command) => {
        const request = planRequest(flags);
        let sweep: CapacitySweep;
        let outDir: string;
        if (flags.from !== undefined) {
          if (file !== undefined) throw badInput('E_FLAG', `--from ${flags.from} re-plans a saved sweep; it takes no scenario (got ${file})`, 'drop the scenario, or drop --from to sweep it');
          const given = SWEEP_FLAGS.filter((f) => command.getOptionValueSource(f) === 'cli');
          if (given.length > 0) {
            throw badInput('E_FLAG', `--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} shapes a sweep; --from re-plans the saved one as it was measured`, 'drop it, or sweep again without --from');
          }
          sweep = await readCapacitySweep(flags.from);
          outDir = flags.out ?? path.dirname(flags.from);
        } else {
          if (file === undefined) throw badInput('E_FLAG', 'name a scenario to sweep, or --from a saved capacity.json to re-plan', "e.g. meshbench capacity scenarios/baseline.yaml --slo 'p99 < 50ms' --target-rps 20000");
          outDir = flags.out ?? path.join('reports', `${path.basename(file, path.extname(file))}-capacity-${timestamp(new Date())}`);
          sweep = await sweepScenario(file, flags, request, outDir);
        }
        const result = modelCapacity(sweep, request);
        const written = await writeCapacityReport(result, outDir);
        process.stdout.write(`\n${renderCapacityText(result)}\n\ncapacity: ${written.json}\nreport: ${written.html}\n`);
        const planned = [result.plan.direct, result.plan.meshed].filter((p) => p !== null);
        return planned.every((p) => p.feasible) ? ExitCode.ok : ExitCode.gateFailed;
      }),
    );
}

/** Checks every sweep flag against the scenario, then sweeps (the minutes-long part). */
async function sweepScenario(file: string, flags: CapacityFlags, request: PlanRequest, outDir: string): Promise<CapacitySweep> {
  const d = CAPACITY_DEFAULTS;
  const scenario = applyOverrides(await loadScenario(file), { arms: flags.arms?.split(',').map((a) => a.trim()) });
  const service = scaledService(scenario, flags.service);
  assertReachable(service, request.targetRps * (1 + request.headroom));
  const slos = parseSlos(flags.slo, scenario.arms[0]!);
  const settings: CapacitySettings = {
    service: service.name,
    replicas: parseReplicasFlag('--replicas', flags.replicas),
    slos,
    step: {
      warmupS: parseSecondsFlag('--warmup', flags.warmup, { minS: 0, maxS: 60 }, '1s'),
      durationS: parseSecondsFlag('--step', flags.step, { minS: 1, maxS: 120 }, '2s'),
      timeoutMs: stepTimeoutMs(slos, scenario.load.timeoutMs),
    },
    probeS: parseSecondsFlag('--probe', flags.probe, { minS: 1, maxS: 60 }, '3s'),
    resolution: parsePercentFlag('--resolution', flags.resolution, { min: 0.5, max: 25 }, '5%'),
    limits: { minRps: d.minRps, maxRps: parseNumberFlag('--max-rps', flags.maxRps, { min: 10, max: 1e6 }, '4000') },
    faultsNotInjected: scenario.faults.map((f) => f.name),
  };
  const progress = createCapacityProgress({ quiet: flags.quiet ?? false, tty: process.stderr.isTTY === true, service: service.name });
  if (settings.faultsNotInjected.length > 0) progress.note(`note: the scenario's faults are not injected in a capacity sweep: ${settings.faultsNotInjected.join(', ')}`);
  return runCapacitySweep({ scenario, arms: scenario.arms, settings, runDir: outDir, progress });
}
