// Why: `meshbench gate` is the CI step: read a result (and a baseline), judge the scenario's gates
// plus any given on the command line, print one line per gate, write JUnit and Markdown, and exit
// 0 (pass), 1 (a gate failed) or 2 (bad input). A first CI run has no baseline yet: its baseline
// gates are skipped (by default) rather than failing the job; a baseline of another scenario is
// refused unless the user says the change is intended.
import type { Command } from 'commander';
import { badInput } from '../../core/errors.ts';
import { readRunResult } from '../../result/read.ts';
import { scenarioChange } from '../../gate/baseline-policy.ts';
import { baselineResults, DEFAULT_BASELINE_DIR, findBaseline, isPathRef, loadBaseline } from '../../gate/baseline-store.ts';
import { evaluateGates, type MissingBaseline } from '../../gate/evaluate.ts';
import { renderJunit } from '../../gate/junit.ts';
import { renderMarkdown } from '../../gate/markdown.ts';
import { action } from '../action.ts';
import { writeOutput } from '../write-output.ts';

export { gateRunResult } from '../../gate/evaluate.ts';

interface GateFlags {
  baseline?: string;
  baselineDir: string;
  gate: string[];
  scenarioGates: boolean;
  junit?: string;
  markdown?: string;
  append?: boolean;
  ifNoBaseline: string;
  allowScenarioChange?: boolean;
  inconclusive?: string;
  confidence?: string;
  seed?: string;
}

const MISSING: readonly MissingBaseline[] = ['skip', 'pass', 'fail'];

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
    .option('--markdown <file>', 'write the gates, latency table and validity as Markdown, e.g. "$GITHUB_STEP_SUMMARY" (appended to)')
    .option('--append', 'append the Markdown instead of replacing the file (always so for $GITHUB_STEP_SUMMARY)')
    .option('--if-no-baseline <skip|pass|fail>', 'when --baseline names nothing yet: skip the baseline gates (JUnit skipped), pass them, or fail them', 'skip')
    .option('--allow-scenario-change', 'gate against a baseline recorded with a different scenario (otherwise exit 2)')
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
        const missing = flags.ifNoBaseline as MissingBaseline;
        if (!MISSING.includes(missing)) throw badInput('gate-flag', `--if-no-baseline ${flags.ifNoBaseline} is not one of skip, pass, fail`, 'e.g. --if-no-baseline skip (the first CI run has no baseline yet)');
        const result = await readRunResult(file);
        const notices: string[] = [];
        // A name that is not there yet is the first run; a file path that is not there is a typo.
        const stored = flags.baseline === undefined ? undefined : isPathRef(flags.baseline) ? await loadBaseline(flags.baseline, flags.baselineDir) : await findBaseline(flags.baseline, flags.baselineDir);
        if (stored === null) notices.push(`no baseline "${flags.baseline}" in ${flags.baselineDir} yet: baseline gates are ${missing === 'fail' ? 'failed' : 'not judged'} (--if-no-baseline ${missing})`);
        if (stored) {
          const change = scenarioChange(result, stored.doc);
          if (change && !flags.allowScenarioChange) throw badInput('gate-scenario-changed', `${file}: ${change}; a regression against another scenario means nothing`, 'gate against a baseline of this scenario, save a new one, or pass --allow-scenario-change if the change is intended');
          if (change) notices.push(`the baseline is of a different scenario (--allow-scenario-change): ${change}`);
        }
        const baseline = stored ? baselineResults(stored) : undefined;
        const exprs = [...(flags.scenarioGates ? result.scenario.gates : []), ...flags.gate];
        if (exprs.length === 0) {
          throw badInput('gate-none', `${file}: no gates to judge (the scenario has none and no --gate was given)`, 'add gates: to the scenario, or pass --gate "meshed.p99 < 25ms"');
        }
        const options = result.scenario.gateOptions;
        const seed = number('--seed', flags.seed);
        const report = evaluateGates(result, exprs, {
          ...(baseline ? { baseline } : {}),
          // Without --baseline at all, a baseline gate is a mistake (exit 2), not a first run.
          ...(stored === null ? { missingBaseline: missing } : {}),
          ...(seed === undefined ? {} : { seed }),
          confidence: number('--confidence', flags.confidence) ?? options.confidence,
          inconclusive: (flags.inconclusive ?? options.inconclusive) as 'pass' | 'fail',
        });
        // GitHub Actions shows ::notice:: lines as annotations; elsewhere they read as plain notes.
        for (const n of notices) process.stdout.write(`::notice::${n}\n`);
        for (const g of report.gates) process.stdout.write(`${g.verdict}\n`);
        const { pass, fail, inconclusive, skipped } = report.counts;
        process.stdout.write(`gates: ${pass} passed, ${fail} failed, ${inconclusive} inconclusive, ${skipped} skipped (inconclusive counts as ${report.inconclusive}) — exit ${report.exitCode}\n`);
        if (flags.junit) await writeOutput(flags.junit, renderJunit(report));
        if (flags.markdown) await writeOutput(flags.markdown, renderMarkdown(report, { result, notices }), { append: flags.append ?? false });
        return report.exitCode;
      }),
    );
}
