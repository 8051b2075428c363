// Why: `meshbench report` re-renders the HTML report and summary from a saved result, so a
// result from CI can be looked at (or re-analysed by a newer meshbench) later.
import type { Command } from 'commander';
import path from 'node:path';
import { ExitCode } from '../../core/errors.ts';
import { writeReport } from '../../report/write-report.ts';
import { readRunResult } from '../../result/read.ts';
import { action } from '../action.ts';

export function register(program: Command): void {
  program
    .command('report')
    .description('write the HTML report and summary.md for a saved result.json')
    .argument('<result>', 'result.json from `meshbench run`')
    .option('--out <dir>', 'output directory (default: the result file\'s directory)')
    .action(
      action(async (file: string, opts: { out?: string }) => {
        const result = await readRunResult(file);
        const written = await writeReport(result, opts.out ?? path.dirname(file));
        process.stdout.write(`report: ${written.html}\n`);
        return ExitCode.ok;
      }),
    );
}
