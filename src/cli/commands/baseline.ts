// Why: `meshbench baseline save|show` keeps the last good run under a name, for `gate --baseline`.
import type { Command } from 'commander';
import { ExitCode } from '../../core/errors.ts';
import { readRunResult } from '../../result/read.ts';
import type { RunResult } from '../../result/types.ts';
import { DEFAULT_BASELINE_DIR, defaultBaselineName, listBaselineNames, loadNamedBaseline, saveBaseline } from '../../gate/baseline-store.ts';
import { formatValue } from '../../gate/format-value.ts';
import { action } from '../action.ts';

function describe(name: string, file: string, r: RunResult): string {
  const arms = r.arms.map(
    (a) =>
      `  ${a.name.padEnd(7)} repeats ${a.repeats.length}  p50 ${formatValue(a.latencyMs.p50, 'ms')}  p99 ${formatValue(a.latencyMs.p99, 'ms')}  p99.9 ${formatValue(a.latencyMs.p999, 'ms')}  errors ${formatValue(a.errorRate, 'percent')}  ${formatValue(a.achievedRps, 'number')} rps`,
  );
  return [`baseline ${name} (${file})`, `  scenario ${r.scenario.name}, result ${r.id}, started ${r.startedAt}, meshbench ${r.meshbenchVersion}`, ...arms, ''].join('\n');
}

export function register(program: Command): void {
  const baseline = program.command('baseline').description('save and inspect named baselines for `meshbench gate --baseline`');
  baseline
    .command('save')
    .description('store a result.json as a named baseline')
    .argument('<result>', 'result.json from `meshbench run`')
    .option('--name <name>', 'baseline name (default: the scenario name)')
    .option('--dir <dir>', 'baseline directory', DEFAULT_BASELINE_DIR)
    .action(
      action(async (file: string, opts: { name?: string; dir: string }) => {
        const result = await readRunResult(file);
        const name = opts.name ?? defaultBaselineName(result);
        const written = await saveBaseline(result, opts.dir, name);
        process.stdout.write(`baseline ${name} saved: ${written}\n`);
        return ExitCode.ok;
      }),
    );
  baseline
    .command('show')
    .description('show one baseline, or list them all')
    .option('--name <name>', 'baseline to show (default: list every baseline)')
    .option('--dir <dir>', 'baseline directory', DEFAULT_BASELINE_DIR)
    .action(
      action(async (opts: { name?: string; dir: string }) => {
        if (opts.name !== undefined) {
          const b = await loadNamedBaseline(opts.name, opts.dir);
          process.stdout.write(describe(b.name, b.path, b.result));
          return ExitCode.ok;
        }
        const names = await listBaselineNames(opts.dir);
        if (names.length === 0) process.stdout.write(`no baselines in ${opts.dir}\n`);
        for (const n of names) {
          const b = await loadNamedBaseline(n, opts.dir);
          process.stdout.write(describe(b.name, b.path, b.result));
        }
        return ExitCode.ok;
      }),
    );
}
