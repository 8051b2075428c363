// Why: the meshbench command line. Each command lives in its own file under commands/ and only
// reads inputs, calls the core, and writes outputs; this file only assembles them.
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../core/errors.ts';
import { meshbenchVersion } from '../runner/environment.ts';
import { register as registerBaseline } from './commands/baseline.ts';
import { register as registerCapacity } from './commands/capacity.ts';
import { register as registerClean } from './commands/clean.ts';
import { register as registerCluster } from './commands/cluster.ts';
import { register as registerCompare } from './commands/compare.ts';
import { register as registerDoctor } from './commands/doctor.ts';
import { register as registerGate } from './commands/gate.ts';
import { register as registerReport } from './commands/report.ts';
import { register as registerRun } from './commands/run.ts';
import { register as registerToxiproxy } from './commands/toxiproxy.ts';
import { register as registerValidate } from './commands/validate.ts';

const EXIT_CODES = `
Exit codes:
  0  ok
  1  the scenario failed one of its gates (or baseline save refused such a run)
  2  bad input (scenario, flag, result file) — the message names the file, field and fix
  3  environment problem (port in use, missing nftables/root for a fault, …)
 70  internal error (a bug in meshbench)`;

export function buildProgram(): Command {
  const program = new Command('meshbench')
    .description('Chaos and latency benchmarking for service meshes: the same workload direct and through a mesh proxy, under faults.')
    .version(meshbenchVersion())
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Examples:
  $ meshbench run scenarios/baseline.yaml              # direct vs meshed, HTML report
  $ meshbench run scenarios/retry-storm.yaml --quiet   # the retry storm, no progress output
  $ meshbench validate scenarios/my-scenario.yaml      # every problem at once, with line numbers
  $ meshbench gate reports/run/result.json --baseline main   # CI gate on P99
  $ meshbench compare before/result.json after/result.json --markdown pr.md   # side by side, with verdicts
  $ meshbench capacity scenarios/baseline.yaml --slo 'p99 < 50ms' --target-rps 20000   # replicas and nodes
  $ meshbench cluster up                               # a local 2-node Kubernetes (no Docker needed)
  $ meshbench clean                                    # remove what a killed run left behind
${EXIT_CODES}`,
    );
  for (const register of [registerRun, registerValidate, registerReport, registerGate, registerCompare, registerBaseline, registerCapacity, registerDoctor, registerClean, registerCluster, registerToxiproxy]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? ExitCode.ok : ExitCode.badInput;
    }
    throw err;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
}
