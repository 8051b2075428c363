// Why: `run` is often followed by a `gate` step that is the job's verdict; under `set -e` a run
// that exits 1 on a failed scenario gate stops the job before the gate, JUnit, Markdown and
// baseline steps. `--gates warn` reports the failure and exits 0; `fail` (default) exits 1. Pure.
import { badInput, ExitCode } from '../core/errors.ts';

export type GatesMode = 'fail' | 'warn';

export function parseGatesMode(text: string): GatesMode {
  if (text !== 'fail' && text !== 'warn') throw badInput('E_FLAG', `--gates must be "fail" or "warn", got "${text}"`, 'For example --gates warn (a later `meshbench gate` step decides)');
  return text;
}

/** The run's exit code and, when a failed gate is only warned about, the warning line. */
export function runExit(gatesExit: 0 | 1, mode: GatesMode): { exitCode: ExitCode; warning: string | null } {
  if (gatesExit === 0) return { exitCode: ExitCode.ok, warning: null };
  if (mode === 'warn') return { exitCode: ExitCode.ok, warning: 'warning: a scenario gate failed (--gates warn: exit 0; `meshbench gate` judges it)' };
  return { exitCode: ExitCode.gateFailed, warning: null };
}
