// Why: command-line flags (--arms, --duration, --seed, --repeats) adjust a validated scenario
// and are checked with the same care as the file, so a flag cannot produce an invalid run.
import { badInput } from '../core/errors.ts';
import { ARM_NAMES, type ArmName, type Scenario } from './types.ts';
import { capQuoted, isHttpUrl } from './yaml-reader.ts';

export interface ScenarioOverrides {
  arms?: string[] | undefined;
  durationS?: number | undefined;
  seed?: number | undefined;
  repeats?: number | undefined;
  /** --toxiproxy: checked like the scenario's `toxiproxy:` field. */
  toxiproxyUrl?: string | undefined;
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
    const late = scenario.faults.filter((f) => f.atMs + f.durationMs > o.durationS! * 1000);
    if (late.length > 0) {
      throw badInput(
        'E_FLAG',
        `--duration ${o.durationS}: fault(s) ${late.map((f) => `"${f.name}"`).join(', ')} end after the measured part would`,
        `Use --duration ${Math.ceil(Math.max(...late.map((f) => f.atMs + f.durationMs)) / 1000)} or more, or edit the faults' at/duration in ${scenario.file}.`,
      );
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
  if (o.toxiproxyUrl !== undefined) {
    if (!isHttpUrl(o.toxiproxyUrl)) {
      throw badInput('E_FLAG', `--toxiproxy ${capQuoted(JSON.stringify(o.toxiproxyUrl))} is not an http URL`, 'Give the toxiproxy-server API address, e.g. --toxiproxy http://127.0.0.1:8474, or leave it out to use the bundled server.');
    }
    out.toxiproxyUrl = o.toxiproxyUrl;
  }
  if (o.repeats !== undefined) {
    if (o.repeats < 1 || o.repeats > 100 || !Number.isInteger(o.repeats)) throw badInput('E_FLAG', `--repeats must be a whole number from 1 to 100, got ${o.repeats}`, 'For example --repeats 3');
    out.repeats = o.repeats;
  }
  return out;
}
