// Why: a baseline is what every later pull request is judged against, so a bad run must not
// become one silently (a run that failed its own gates, or whose validity says the machine was
// busy), and one run says nothing about how much runs differ from each other. A named baseline
// therefore keeps the last K good runs of one scenario (rolling): the gate reads the spread
// between them. This module is the pure part: which runs may enter, and what the history becomes.
import type { RunResult } from '../result/types.ts';
import { scenarioHash } from '../result/scenario-hash.ts';

export const BASELINE_SCHEMA = 'meshbench.baseline';
export const BASELINE_VERSION = 1;
export const DEFAULT_KEEP = 5;

export interface BaselineRun {
  savedAt: string;
  /** Why this run would have been refused, when `--force` saved it anyway; null when it was good. */
  forced: string[] | null;
  result: RunResult;
}

export interface BaselineDoc {
  schema: typeof BASELINE_SCHEMA;
  version: typeof BASELINE_VERSION;
  name: string;
  scenario: { name: string; hash: string };
  /** How many runs the history keeps (the newest). */
  keep: number;
  /** Oldest first. */
  runs: BaselineRun[];
}

/** Why `result` may not become a baseline: failed gates (inconclusive ones too when they count as fail) and validity. */
export function admissionProblems(result: RunResult): string[] {
  const problems: string[] = [];
  const strict = result.scenario.gateOptions.inconclusive === 'fail';
  const failed = (result.gates ?? []).filter((g) => g.status === 'fail' || (strict && g.status === 'inconclusive'));
  for (const g of failed) problems.push(`gate ${g.status}: ${g.expression}`);
  if (result.validity.status !== 'valid') {
    const why = result.validity.reasons.map((r) => r.message).join('; ');
    problems.push(`validity ${result.validity.status}${why ? `: ${why}` : ''}`);
  }
  return problems;
}

export interface AddedRun {
  doc: BaselineDoc;
  /** What the user should know: runs dropped because the scenario changed, runs rolled out. */
  notes: string[];
}

/** The history after saving `result`: a changed scenario starts it afresh; the oldest runs beyond `keep` roll out. */
export function addRun(previous: BaselineDoc | null, name: string, result: RunResult, opts: { keep: number; savedAt: string; forced: string[] | null }): AddedRun {
  const hash = scenarioHash(result.scenario);
  const notes: string[] = [];
  let runs = previous?.runs ?? [];
  if (previous && previous.scenario.hash !== hash) {
    notes.push(`the scenario changed (${previous.scenario.hash} → ${hash}): the ${runs.length} earlier run(s) of baseline ${name} are dropped`);
    runs = [];
  }
  runs = [...runs, { savedAt: opts.savedAt, forced: opts.forced, result }];
  if (runs.length > opts.keep) {
    notes.push(`kept the newest ${opts.keep} run(s); ${runs.length - opts.keep} older run(s) rolled out`);
    runs = runs.slice(runs.length - opts.keep);
  }
  return {
    doc: { schema: BASELINE_SCHEMA, version: BASELINE_VERSION, name, scenario: { name: result.scenario.name, hash }, keep: opts.keep, runs },
    notes,
  };
}

/** A result file used directly as a baseline: a history of one run. */
export function singleRunBaseline(name: string, result: RunResult): BaselineDoc {
  return addRun(null, name, result, { keep: 1, savedAt: result.finishedAt, forced: null }).doc;
}

/** Why `result` and the baseline are not runs of the same scenario; null when they are. */
export function scenarioChange(result: RunResult, baseline: BaselineDoc): string | null {
  const hash = scenarioHash(result.scenario);
  if (hash === baseline.scenario.hash) return null;
  return `baseline ${baseline.name} was recorded with scenario "${baseline.scenario.name}" (${baseline.scenario.hash}), this result ran "${result.scenario.name}" (${hash})`;
}
