// Why: `meshbench baseline save|show` keeps the last good runs under a name, for `gate --baseline`.
// Save refuses a run that failed its gates or is not valid (exit 1: a bad run must not become
// what later changes are judged against) unless --force, which the baseline records.
import type { Command } from 'commander';
import { badInput, ExitCode, MeshbenchError } from '../../core/errors.ts';
import { readRunResult } from '../../result/read.ts';
import type { RunResult } from '../../result/types.ts';
import { addRun, admissionProblems, DEFAULT_KEEP, type BaselineRun } from '../../gate/baseline-policy.ts';
import { DEFAULT_BASELINE_DIR, defaultBaselineName, findNamedBaseline, listBaselineNames, writeBaseline, type StoredBaseline } from '../../gate/baseline-store.ts';
import { formatValue } from '../../gate/format-value.ts';
import { action } from '../action.ts';

function describeRun(run: BaselineRun): string[] {
  const r: RunResult = run.result;
  const forced = run.forced ? `  FORCED despite: ${run.forced.join('; ')}` : '';
  return [
    `  run ${r.id}, started ${r.startedAt}, saved ${run.savedAt}, meshbench ${r.meshbenchVersion}, validity ${r.validity.status}${forced}`,
    ...r.arms.map(
      (a) =>
        `    ${a.name.padEnd(7)} repeats ${a.repeats.length}  p50 ${formatValue(a.latencyMs.p50, 'ms')}  p99 ${formatValue(a.latencyMs.p99, 'ms')}  p99.9 ${formatValue(a.latencyMs.p999, 'ms')}  errors ${formatValue(a.errorRate, 'percent')}  ${formatValue(a.achievedRps, 'number')} rps`,
    ),
  ];
}

function describe(b: StoredBaseline): string {
  const { doc } = b;
  return [`baseline ${b.name} (${b.path})`, `  scenario ${doc.scenario.name} (${doc.scenario.hash}), ${doc.runs.length} of up to ${doc.keep} run(s), oldest first`, ...doc.runs.flatMap(describeRun), ''].join('\n');
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw badInput('baseline-flag', `${flag} ${text} is not a positive whole number`, `e.g. ${flag} ${DEFAULT_KEEP}`);
  return n;
}

export function register(program: Command): void {
  const baseline = program.command('baseline').description('save and inspect named baselines for `meshbench gate --baseline`');
  baseline
    .command('save')
    .description('add a result.json to a named baseline (which keeps the last --keep runs)')
    .argument('<result>', 'result.json from `meshbench run`')
    .option('--name <name>', 'baseline name (default: the scenario name)')
    .option('--dir <dir>', 'baseline directory', DEFAULT_BASELINE_DIR)
    .option('--keep <k>', `how many of the newest runs the baseline keeps (its spread is the run-to-run noise gates allow for)`, String(DEFAULT_KEEP))
    .option('--force', 'save a run that failed its gates or is not valid (recorded in the baseline)')
    .action(
      action(async (file: string, opts: { name?: string; dir: string; keep: string; force?: boolean }) => {
        const keep = positiveInt('--keep', opts.keep);
        const result = await readRunResult(file);
        const name = opts.name ?? defaultBaselineName(result);
        const problems = admissionProblems(result);
        if (problems.length > 0 && !opts.force) {
          // Exit 1, like a failed gate: the run is not good enough, the input is fine.
          throw new MeshbenchError('baseline-refused', `${file} is not saved as baseline ${name}: ${problems.join('; ')}`, 'a baseline should be a good run; re-run on a quiet machine, or pass --force to save it anyway (the baseline records that)', ExitCode.gateFailed);
        }
        const previous = await findNamedBaseline(name, opts.dir);
        const { doc, notes } = addRun(previous?.doc ?? null, name, result, { keep, savedAt: new Date().toISOString(), forced: problems.length > 0 ? problems : null });
        const written = await writeBaseline(doc, opts.dir);
        for (const n of notes) process.stderr.write(`note: ${n}\n`);
        if (problems.length > 0) process.stderr.write(`warning: saved despite: ${problems.join('; ')} (--force)\n`);
        process.stdout.write(`baseline ${name} saved: ${written} (${doc.runs.length} of up to ${keep} runs)\n`);
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
        const names = opts.name !== undefined ? [opts.name] : await listBaselineNames(opts.dir);
        if (names.length === 0) process.stdout.write(`no baselines in ${opts.dir}\n`);
        for (const n of names) {
          const b = await findNamedBaseline(n, opts.dir);
          if (!b) throw badInput('baseline-missing', `no baseline "${n}" in ${opts.dir} (baselines there: ${(await listBaselineNames(opts.dir)).join(', ') || 'none'})`, 'save one with `meshbench baseline save <result.json> --name <name>`');
          process.stdout.write(describe(b));
        }
        return ExitCode.ok;
      }),
    );
}
