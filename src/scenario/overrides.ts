// Why: command-line flags (--arms, --duration, --seed, --repeats, --backend, --kubeconfig,
// --context) adjust a validated scenario and are checked with the same care as the file, so a
// flag cannot produce an invalid run: a --duration that would cut an incident, or leave it
// covering the whole measured part, is refused with the shortest duration that works; one that
// leaves too little time after an incident to judge its recovery is allowed, with a notice.
import { badInput } from '../core/errors.ts';
import { backendConflicts } from './backend-fit.ts';
import { formatDuration } from './duration.ts';
import { kubernetesBackend } from './parse.ts';
import { coversHint, coversMeasuredPart, coversMessage } from './read-faults.ts';
import { ARM_NAMES, type ArmName, type BackendSpec, type Scenario } from './types.ts';

const BACKEND_KINDS: ReadonlyArray<BackendSpec['kind']> = ['embedded', 'kubernetes'];

export interface ScenarioOverrides {
  arms?: string[] | undefined;
  durationS?: number | undefined;
  seed?: number | undefined;
  repeats?: number | undefined;
  backend?: string | undefined;
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

export function applyOverrides(scenario: Scenario, o: ScenarioOverrides): Scenario {
  const out: Scenario = { ...scenario, load: { ...scenario.load } };
  if (o.arms) {
    const unknown = o.arms.filter((a) => !(ARM_NAMES as readonly string[]).includes(a));
    if (unknown.length > 0 || o.arms.length === 0) {
      throw badInput('E_FLAG', `--arms: unknown arm(s) ${unknown.map((a) => `"${a}"`).join(', ')}`, `Use a comma-separated list of ${ARM_NAMES.join(', ')}, e.g. --arms direct,meshed`);
    }
    out.arms = [...new Set(o.arms)] as ArmName[];
  }
  if (o.durationS !== undefined) {
    if (o.durationS < 1 || !Number.isInteger(o.durationS)) throw badInput('E_FLAG', `--duration must be a whole number of seconds ≥ 1, got ${o.durationS}`, 'For example --duration 10');
    const measuredMs = o.durationS * 1000;
    const late = scenario.faults.filter((f) => f.atMs + f.durationMs > measuredMs);
    if (late.length > 0) {
      const cut = late.map((f) => `"${f.name}" (${formatDuration(f.atMs)} – ${formatDuration(f.atMs + f.durationMs)})`).join(', ');
      throw badInput(
        'E_FLAG',
        `--duration ${o.durationS} would cut the incident(s) ${cut}: the measured part would end at ${formatDuration(measuredMs)}, before they do`,
        `Use --duration ${Math.ceil(Math.max(...late.map((f) => f.atMs + f.durationMs)) / 1000) + Math.ceil(scenario.recovery.stableMs / 1000)} or more (the incident plus recovery.stable to judge recovery), or edit the faults' at/duration in ${scenario.file}.`,
      );
    }
    const whole = scenario.faults.find((f) => coversMeasuredPart(f.atMs, f.durationMs, measuredMs));
    if (whole) {
      throw badInput('E_FLAG', `--duration ${o.durationS}: "${whole.name}" ${coversMessage(whole.atMs, whole.atMs + whole.durationMs, measuredMs)}`, `Use a longer --duration; or, in ${scenario.file}: ${coversHint(whole.kind)}.`);
    }
    if (scenario.load.ramp && scenario.load.ramp.overS > o.durationS) {
      throw badInput('E_FLAG', `--duration ${o.durationS}: the load ramp (${scenario.load.ramp.overS} s) would not fit`, `Use --duration ${Math.ceil(scenario.load.ramp.overS)} or more, or shorten load.ramp.over in ${scenario.file}.`);
    }
    out.load.durationS = o.durationS;
  }
  if (o.seed !== undefined) {
    if (!Number.isInteger(o.seed) || o.seed > 0xffffffff) throw badInput('E_FLAG', `--seed must be a whole number from 0 to 4294967295, got ${o.seed}`, 'For example --seed 7');
    out.seed = o.seed;
  }
  if (o.repeats !== undefined) {
    if (o.repeats < 1 || o.repeats > 100 || !Number.isInteger(o.repeats)) throw badInput('E_FLAG', `--repeats must be a whole number from 1 to 100, got ${o.repeats}`, 'For example --repeats 3');
    out.repeats = o.repeats;
  }
  out.backend = overrideBackend(scenario, o);
  if (out.backend.kind !== scenario.backend.kind) {
    const conflicts = backendConflicts(out);
    if (conflicts.length > 0) {
      throw badInput(
        'E_FLAG',
        `--backend ${out.backend.kind} does not fit ${scenario.file}:\n  - ${conflicts.map((c) => `${c.path}: ${c.message}`).join('\n  - ')}`,
        `Fix the items above in ${scenario.file}, or run it on its own backend (${scenario.backend.kind}).`,
      );
    }
  }
  return out;
}

/**
 * What a user should know before a run whose --duration leaves less than recovery.stable after
 * an incident: its recovery cannot be judged and will read "no time".
 */
export function durationNotices(scenario: Scenario): string[] {
  const measuredMs = scenario.load.durationS * 1000;
  return scenario.faults
    .filter((f) => measuredMs - (f.atMs + f.durationMs) < scenario.recovery.stableMs)
    .map(
      (f) =>
        `note: "${f.name}" ends at ${formatDuration(f.atMs + f.durationMs)} and the measured part at ${formatDuration(measuredMs)}; ` +
        `judging its recovery needs recovery.stable (${formatDuration(scenario.recovery.stableMs)}) after it, so its recovery will read "no time to judge" — ` +
        `use --duration ${Math.ceil((f.atMs + f.durationMs + scenario.recovery.stableMs) / 1000)} or more to judge it`,
    );
}

function overrideBackend(scenario: Scenario, o: ScenarioOverrides): BackendSpec {
  if (o.backend !== undefined && !(BACKEND_KINDS as readonly string[]).includes(o.backend)) {
    throw badInput('E_FLAG', `--backend: unknown backend "${o.backend}"`, `Use one of ${BACKEND_KINDS.join(', ')}, e.g. --backend kubernetes`);
  }
  const kind = (o.backend as BackendSpec['kind'] | undefined) ?? scenario.backend.kind;
  if (kind === 'embedded') {
    const flag = o.kubeconfig !== undefined ? '--kubeconfig' : o.context !== undefined ? '--context' : null;
    if (flag) throw badInput('E_FLAG', `${flag} applies to the kubernetes backend, but ${scenario.file} runs on the embedded backend`, `Add --backend kubernetes, or drop ${flag}.`);
    return { kind };
  }
  const base = scenario.backend.kind === 'kubernetes' ? scenario.backend : kubernetesBackend({});
  return { ...base, kubeconfig: o.kubeconfig ?? base.kubeconfig, context: o.context ?? base.context };
}
