// Why: the whole run — pre-flight, shared fault infrastructure, arms alternating over repeats,
// the result — with one teardown that undoes everything the run created however it ends.
import { mkdir } from 'node:fs/promises';
import { environmentError } from '../core/errors.ts';
import { checkFaultSupport, detectCapabilities } from '../faults/capabilities.ts';
import { analyze } from '../analysis/analyze.ts';
import { buildRunResult } from '../result/build.ts';
import type { RunResult } from '../result/types.ts';
import { startChild } from '../runtime/child.ts';
import { installCleanupHandlers } from '../runtime/clean.ts';
import { Ledger, newRunId } from '../runtime/ledger.ts';
import { Teardown } from '../runtime/teardown.ts';
import { hostSnapshot } from '../runtime/host-state.ts';
import { injections } from '../scenario/injections.ts';
import { TOXIC_KINDS, type Scenario } from '../scenario/types.ts';
import { describeEnvironment, meshbenchVersion } from './environment.ts';
import { runPhase, type PhaseOutput } from './phase.ts';
import { planPhases } from './plan.ts';
import { createProgress, type Progress } from './progress.ts';

export interface RunOptions {
  /** Directory for this run's files (proxy config, result, report). */
  runDir: string;
  quiet?: boolean;
  tty?: boolean;
  /** A real toxiproxy-server's API URL; overrides the scenario's. */
  toxiproxyUrl?: string | null;
  progress?: Progress;
}

function needsToxiproxy(scenario: Scenario): boolean {
  return injections(scenario).some((f) => (TOXIC_KINDS as readonly string[]).includes(f.kind));
}

async function startToxiproxy(url: string | null, teardown: Teardown, ledger: Ledger): Promise<string> {
  if (url) return url;
  const child = startChild<never, { type: 'ready'; url: string }>('src/faults/toxiproxy/main.ts', { label: 'toxiproxy' });
  let serverUrl: string | null = null;
  teardown.add('process toxiproxy', async () => {
    await child.stop();
    // The bundled server's proxies died with it, whether or not their removal got through.
    for (const entry of ledger.entries()) {
      if (entry.kind === 'toxiproxy-proxy' && entry.url === serverUrl) ledger.release(entry);
    }
  });
  serverUrl = (await child.next('ready')).url;
  return serverUrl;
}

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  if (scenario.backend.kind !== 'embedded') {
    throw environmentError(
      'E_BACKEND_UNAVAILABLE',
      `${scenario.file}: backend "${scenario.backend.kind}" is not available in meshbench ${meshbenchVersion()}; only the embedded backend (local processes on loopback) runs today`,
      'Remove the `backend:` block (or set `backend: {kind: embedded}`) to run the scenario locally.',
    );
  }
  const problems = checkFaultSupport(injections(scenario), await detectCapabilities());
  if (problems.length > 0) {
    throw environmentError(
      'E_FAULT_UNSUPPORTED',
      `this machine cannot inject the faults ${scenario.file} asks for:\n  - ${problems.join('\n  - ')}`,
      'Fix the items above (run `meshbench doctor`), or remove those faults from the scenario.',
    );
  }
  const progress = opts.progress ?? createProgress({ quiet: opts.quiet ?? false, tty: opts.tty ?? false, durationS: scenario.load.durationS });
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  await mkdir(opts.runDir, { recursive: true });
  const ledger = Ledger.open(runId);
  const teardown = new Teardown();
  // Ctrl-C, SIGTERM, SIGHUP or a crash: undo everything, then exit with the fitting code.
  const uninstall = installCleanupHandlers(
    async () => {
      progress.note('stopping the run and removing everything it created…');
      await teardown.run();
      ledger.close();
    },
    { runId },
  );
  try {
    const toxiproxyUrl = needsToxiproxy(scenario)
      ? await startToxiproxy(opts.toxiproxyUrl ?? scenario.toxiproxyUrl, teardown, ledger)
      : null;
    const phases = planPhases(scenario.arms, scenario.repeats);
    const outputs: PhaseOutput[] = [];
    const before = hostSnapshot(runId);
    for (const [i, phase] of phases.entries()) {
      progress.phaseStart(phase, i, phases.length);
      const out = await runPhase(scenario, phase, { runId, runDir: opts.runDir, teardown, ledger, toxiproxyUrl, progress });
      const lat = out.loadgen;
      progress.phaseEnd(`${lat.requests.ok}/${lat.requests.scheduled} ok, ${lat.achievedRps.toFixed(0)} rps`);
      outputs.push(out);
    }
    const after = hostSnapshot(runId);
    const environment = describeEnvironment(scenario);
    const result = buildRunResult(scenario, outputs, {
      id: runId,
      startedAt,
      finishedAt: new Date().toISOString(),
      meshbenchVersion: meshbenchVersion(),
      environment,
      host: {
        cpus: environment.cpus,
        loadAverageBefore: before.loadAverage,
        loadAverageAfter: after.loadAverage,
        otherRunsBefore: before.otherRuns,
        otherRunsAfter: after.otherRuns,
      },
    });
    return analyze(result);
  } finally {
    const failures = await teardown.run();
    ledger.close();
    uninstall();
    if (failures.length > 0) progress.note(`cleanup problems (run \`meshbench clean\`):\n  ${failures.join('\n  ')}`);
  }
}
