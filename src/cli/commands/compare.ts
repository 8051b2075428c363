// Why: `meshbench compare A.json B.json [C.json …]` puts runs side by side for a pull request:
// reads the results, refuses runs of different scenarios unless told otherwise, calls the pure
// comparison, prints the Markdown and writes it (appending to a job summary) and/or the HTML page.
import type { Command } from 'commander';
import { badInput, ExitCode } from '../../core/errors.ts';
import { readRunResult } from '../../result/read.ts';
import { compareRuns } from '../../compare/compare-runs.ts';
import { renderCompareHtml } from '../../compare/html.ts';
import { renderCompareMarkdown } from '../../compare/markdown.ts';
import { DEFAULT_ITERATIONS } from '../../gate/evaluate.ts';
import { action } from '../action.ts';
import { writeOutput } from '../write-output.ts';

interface CompareFlags {
  markdown?: string;
  html?: string;
  append?: boolean;
  confidence: string;
  seed: string;
  allowScenarioChange?: boolean;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare runs side by side: p50/p90/p99/p99.9, error rate, amplification, recovery, with intervals and a verdict per metric against the first')
    .argument('<results...>', 'two or more result.json files; the first is the reference')
    .option('--markdown <file>', 'write the Markdown (fits a pull-request comment; appended to $GITHUB_STEP_SUMMARY)')
    .option('--html <file>', 'write an HTML page overlaying the runs\' percentile curves and p99 over time')
    .option('--append', 'append the Markdown instead of replacing the file')
    .option('--confidence <level>', 'confidence level of the intervals', '0.95')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--allow-scenario-change', 'compare runs of different scenarios (labelled in the output); otherwise exit 2')
    .addHelpText('after', '\nExample:\n  $ meshbench compare reports/main/result.json reports/pr/result.json --markdown comment.md --html compare.html\n')
    .action(
      action(async (files: string[], flags: CompareFlags) => {
        if (files.length < 2) throw badInput('compare-args', `compare needs at least two results, got ${files.length}`, 'e.g. meshbench compare before/result.json after/result.json');
        const confidence = Number(flags.confidence);
        if (!(confidence > 0.5 && confidence < 1)) throw badInput('compare-flag', `--confidence ${flags.confidence} is out of range`, 'use a level between 0.5 and 1, e.g. 0.95');
        const seed = Number(flags.seed);
        if (!Number.isInteger(seed)) throw badInput('compare-flag', `--seed ${flags.seed} is not a whole number`, 'e.g. --seed 7');
        const results = [];
        for (const f of files) results.push(await readRunResult(f));
        const comparison = compareRuns(results, { confidence, seed, iterations: DEFAULT_ITERATIONS });
        if (!comparison.sameScenario && !flags.allowScenarioChange) {
          const which = comparison.runs.map((r, i) => `${files[i]}: "${r.scenario}" (${r.scenarioHash})`).join(', ');
          throw badInput('compare-scenario-changed', `the runs are of different scenarios: ${which}`, 'compare runs of one scenario, or pass --allow-scenario-change to compare anyway (the output says so)');
        }
        if (comparison.arms.length === 0) throw badInput('compare-no-arms', 'the runs share no arm', 'compare runs that ran at least one arm in common');
        const markdown = renderCompareMarkdown(comparison);
        process.stdout.write(markdown);
        if (flags.markdown) await writeOutput(flags.markdown, markdown, { append: flags.append ?? false });
        if (flags.html) await writeOutput(flags.html, renderCompareHtml(comparison, results));
        return ExitCode.ok;
      }),
    );
}
