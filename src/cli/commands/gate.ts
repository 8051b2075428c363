// Why: `meshbench gate` is the CI step: read a result (and a baseline), judge the scenario's gates
// plus any given on the command line, print one line per gate, write JUnit and Markdown, and exit
// 0 (pass), 1 (a gate failed) or 2 (bad input).
import type { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { badInput } from '../../core/errors.ts';
import { readRunResult } from '../../result/read.ts';
import { DEFAULT_BASELINE_DIR, loadBaseline } from '../../gate/baseline-store.ts';
import { evaluateGates } from '../../gate/evaluate.ts';
import { renderJunit } from '../../gate/junit.ts';
import { renderMarkdown } from '../../gate/markdown.ts';
import { action } from '../action.ts';

export { gateRunResult } from '../../gate/evaluate.ts';

interface GateFlags {
  baseline?: string;
  baselineDir: string;
  gate: string[];
  scenarioGates: boolean;
  junit?: string;
  markdown?: string;
  inconclusive?: string;
  confidence?: string;
  seed?: string;
}

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw badInput('gate-flag', `${flag} ${text} is not a number`, `e.g. ${flag} ${flag === '--seed' ? '7' : '0.95'}`);
  return n;
}

export function register(program: Command): void {
  program
    .command('gate')
    .description('judge a result against its gates (noise-aware: fails only when the whole confidence interval is past the threshold)')
    .argument('<result>', 'result.json from `meshbench run`')
    .option('--baseline <file|name>', 'baseline result for regression gates: a result.json or a saved baseline name')
    .option('--baseline-dir <dir>', 'where named baselines live', DEFAULT_BASELINE_DIR)
    .option('--gate <expr>', 'an extra gate, e.g. "meshed.p99 regresses < 10%" (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--no-scenario-gates', 'judge only the --gate expressions, not the scenario\'s gates')
    .option('--junit <file>', 'write a JUnit XML report (one test case per gate)')
    .option('--markdown <file>', 'write a Markdown table, e.g. "$GITHUB_STEP_SUMMARY"')
    .option('--inconclusive <pass|fail>', 'what an inconclusive gate does to the exit code (default: the scenario\'s gateOptions)')
    .option('--confidence <level>', 'confidence level of the intervals (default: the scenario\'s gateOptions)')
    .option('--seed <n>', 'bootstrap seed (default: the scenario seed)')
    .addHelpText(
      'after',
      `
Gates:
  meshed.p99 < 25ms                      absolute (p50 p90 p99 p999 max mean errorRate timeoutRate
  meshed.errorRate < 1%                  achievedRps amplification recovery; units ms s %)
  meshed.p99 / direct.p99 < 1.3          between arms
  meshed.p99 - direct.p99 < 2ms
  meshed.recovered   !direct.recovered   outcomes, over all repeats
  meshed.p99 regresses < 10%             against --baseline (= meshed.p99 / baseline.meshed.p99 - 1)
  meshed.p99 <= baseline.meshed.p99 * 1.10`,
    )
    .action(
      action(async (file: string, flags: GateFlags) => {
        const result = await readRunResult(file);
        const baseline = flags.baseline === undefined ? undefined : (await loadBaseline(flags.baseline, flags.baselineDir)).result;
        const exprs = [...(flags.scenarioGates ? result.scenario.gates : []), ...flags.gate];
        if (exprs.length === 0) {
          throw badInput('gate-none', `${file}: no gates to judge (the scenario has none and no --gate was given)`, 'add gates: to the scenario, or pass --gate "meshed.p99 < 25ms"');
        }
        const options = result.scenario.gateOptions;
        const seed = number('--seed', flags.seed);
        const report = evaluateGates(result, exprs, {
          ...(baseline ? { baseline } : {}),
          ...(seed === undefined ? {} : { seed }),
          confidence: number('--confidence', flags.confidence) ?? options.confidence,
          inconclusive: (flags.inconclusive ?? options.inconclusive) as 'pass' | 'fail',
        });
        for (const g of report.gates) process.stdout.write(`${g.verdict}\n`);
        const { pass, fail, inconclusive } = report.counts;
        process.stdout.write(`gates: ${pass} passed, ${fail} failed, ${inconclusive} inconclusive (inconclusive counts as ${report.inconclusive}) — exit ${report.exitCode}\n`);
        if (flags.junit) await writeOut(flags.junit, renderJunit(report));
        if (flags.markdown) await writeOut(flags.markdown, renderMarkdown(report));
        return report.exitCode;
      }),
    );
}
