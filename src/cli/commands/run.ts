// Why: `meshbench run` — the main job: a scenario, both arms, the report, and the gates. A CI
// workflow that judges gates in a later step (`meshbench gate`) runs this with --gates warn, so
// a failed gate is reported here but does not stop the steps that publish it.
import type { Command } from 'commander';
import path from 'node:path';
import { badInput, ExitCode } from '../../core/errors.ts';
import { gateOutcomes, gateRunResult } from '../../gate/evaluate.ts';
import { renderSummaryTable } from '../../report/text-table.ts';
import { writeReport } from '../../report/write-report.ts';
import { runScenario } from '../../runner/run-scenario.ts';
import { parseCpuPinningMode } from '../../runtime/cpu-pinning.ts';
import { applyOverrides, durationNotices, type ScenarioOverrides } from '../../scenario/overrides.ts';
import { loadScenario } from '../../scenario/parse.ts';
import { action } from '../action.ts';
import { parseGatesMode, runExit } from '../gates-mode.ts';

interface RunFlags {
  out?: string;
  arms?: string;
  duration?: string;
  seed?: string;
  repeats?: string;
  toxiproxy?: string;
  backend?: string;
  kubeconfig?: string;
  context?: string;
  quiet?: boolean;
  gates: string;
  cpuPinning: string;
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a scenario: direct vs meshed, faults on a timeline, HTML report and result.json')
    .argument('<scenario>', 'scenario YAML file (see scenarios/)')
    .option('--out <dir>', 'directory for the report and result (default: reports/<scenario>-<time>)')
    .option('--arms <list>', 'comma-separated arms to run, e.g. direct,meshed')
    .option('--duration <seconds>', 'override load.duration (measured seconds per phase)')
    .option('--seed <n>', 'override the scenario seed')
    .option('--repeats <n>', 'override how often each arm runs')
    .option('--toxiproxy <url>', 'use this toxiproxy-server instead of the bundled one')
    .option('--backend <kind>', 'where the topology runs: embedded (local processes) or kubernetes (overrides the scenario)')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (kubernetes backend; default: the local cluster when it is up, else the usual lookup)')
    .option('--context <name>', 'kubeconfig context (kubernetes backend; default: the current context)')
    .option(
      '--cpu-pinning <auto|on|off>',
      'hold the load generator, the proxy and the services to separate CPUs with taskset (embedded backend): auto pins from 4 CPUs, on from 2, off never',
      'auto',
    )
    .option('--quiet', 'no progress output')
    .option('--gates <fail|warn>', 'a failed scenario gate exits 1 (fail) or only prints a warning (warn, for CI that gates in a later step)', 'fail')
    .addHelpText(
      'after',
      '\nExamples:\n  $ meshbench run scenarios/baseline.yaml --duration 5 --out reports/quick\n  $ meshbench run scenarios/baseline.yaml --backend kubernetes --kubeconfig ~/.meshbench/local/kubeconfig\n',
    )
    .action(
      action(async (file: string, flags: RunFlags) => {
        const gatesMode = parseGatesMode(flags.gates);
        const cpuPinning = parseCpuPinningMode(flags.cpuPinning);
        const overrides: ScenarioOverrides = {
          arms: flags.arms?.split(',').map((a) => a.trim()),
          durationS: flags.duration === undefined ? undefined : parseNumber('--duration', flags.duration),
          seed: flags.seed === undefined ? undefined : parseNumber('--seed', flags.seed),
          repeats: flags.repeats === undefined ? undefined : parseNumber('--repeats', flags.repeats),
          backend: flags.backend,
          kubeconfig: flags.kubeconfig,
          context: flags.context,
          toxiproxyUrl: flags.toxiproxy,
        };
        const scenario = applyOverrides(await loadScenario(file), overrides);
        const runDir = flags.out ?? path.join('reports', `${path.basename(file, path.extname(file))}-${timestamp(new Date())}`);
        if (!flags.quiet) for (const notice of durationNotices(scenario)) process.stderr.write(`${notice}\n`);
        const measured = await runScenario(scenario, {
          runDir,
          quiet: flags.quiet ?? false,
          tty: process.stderr.isTTY === true,
          toxiproxyUrl: flags.toxiproxy ?? null,
          cpuPinning,
        });
        // Gate outcomes go into result.json, summary.md and the report, not only to stdout.
        const gates = gateRunResult(measured, {});
        const result = { ...measured, gates: gateOutcomes(gates) };
        const written = await writeReport(result, runDir);
        process.stdout.write(`\n${renderSummaryTable(result)}\n`);
        for (const gate of gates.gates) process.stdout.write(`${gate.verdict}\n`);
        process.stdout.write(`result: ${written.json}\nreport: ${written.html}\n`);
        if (scenario.gates.length === 0) return ExitCode.ok;
        const { exitCode, warning } = runExit(gates.exitCode, gatesMode);
        if (warning) process.stdout.write(`${warning}\n`);
        return exitCode;
      }),
    );
}

function parseNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw badInput('E_FLAG', `${flag} must be a non-negative number, got "${value}"`, `For example ${flag} 10`);
  return n;
}
