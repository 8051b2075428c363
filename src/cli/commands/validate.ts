// Why: `meshbench validate` checks a scenario without starting anything: every problem at once.
import type { Command } from 'commander';
import { ExitCode } from '../../core/errors.ts';
import { loadScenario } from '../../scenario/parse.ts';
import { action } from '../action.ts';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check a scenario file and report every problem with file:line, field and fix')
    .argument('<scenario>', 'scenario YAML file')
    .action(
      action(async (file: string) => {
        const s = await loadScenario(file);
        const replicas = s.topology.services.reduce((n, svc) => n + (svc.external ? 0 : svc.replicas), 0);
        process.stdout.write(
          `${file}: ok — "${s.name}": ${s.topology.services.length} services (${replicas} replicas), ` +
            `${s.load.rate} rps ${s.load.arrival} for ${s.load.durationS} s, arms ${s.arms.join(' vs ')}, ` +
            `${s.repeats} repeat(s), ${s.conditions.length} condition(s), ${s.faults.length} fault(s), ${s.gates.length} gate(s)\n`,
        );
        return ExitCode.ok;
      }),
    );
}
