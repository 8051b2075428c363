// Why: a run that was SIGKILLed (or lost its machine mid-fault) could not undo its chaos;
// `meshbench clean` removes what such runs left — from their ledgers, then by name.
import type { Command } from 'commander';
import { ExitCode, badInput } from '../../core/errors.ts';
import { cleanLeftovers } from '../../runtime/clean.ts';
import { CLUSTER_RUN_ID, isRunId } from '../../runtime/ledger.ts';
import { action } from '../action.ts';

export function register(program: Command): void {
  program
    .command('clean')
    .description('remove processes, nft tables, cgroups, namespaces and proxies left by killed runs')
    .option('--run <id>', 'only this run')
    .option('--force', 'also clean runs whose process is still alive')
    .action(
      action(async (opts: { run?: string; force?: boolean }) => {
        if (opts.run !== undefined && !isRunId(opts.run)) {
          throw badInput('clean.run', `'${opts.run}' is not a run id`, 'a run id is 6–8 lowercase letters and digits, as in the names meshbench-<id>-…');
        }
        const report = await cleanLeftovers({ runId: opts.run, force: opts.force ?? false });
        for (const r of report.removed) process.stdout.write(`removed ${r}\n`);
        for (const id of report.liveRuns) {
          process.stdout.write(
            id === CLUSTER_RUN_ID
              ? 'left the local cluster alone: it is up (`meshbench cluster down` removes it)\n'
              : `skipped run ${id}: its process is still running (use --force)\n`,
          );
        }
        for (const f of report.failed) process.stderr.write(`could not remove ${f}\n`);
        if (report.removed.length === 0 && report.failed.length === 0) process.stdout.write('nothing to clean\n');
        return report.failed.length > 0 ? ExitCode.environment : ExitCode.ok;
      }),
    );
}
