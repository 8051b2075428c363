// Why: the whole run — the backend's pre-flight and shared setup, arms alternating over repeats,
// the result — with one teardown that undoes everything the run created however it ends. The
// backend (src/backend/contract.ts) is the only thing that knows where the topology runs.
import { mkdir } from 'node:fs/promises';
import { analyze } from '../analysis/analyze.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { buildRunResult } from '../result/build.ts';
import type { RunResult } from '../result/types.ts';
import type { CpuPinningMode } from '../runtime/cpu-pinning.ts';
import { installCleanupHandlers } from '../runtime/clean.ts';
import { Ledger, newRunId } from '../runtime/ledger.ts';
import { hypervisorStealShare, machineActivity } from '../runtime/machine-activity.ts';
import { Teardown } from '../runtime/teardown.ts';
import type { Scenario } from '../scenario/types.ts';
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
  /** Hold the generator, the proxy and the services to separate CPUs: auto (default), on or off. */
  cpuPinning?: CpuPinningMode;
  progress?: Progress;
}

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const backend = selectBackend(scenario);
  await backend.preflight(scenario);
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
    const run = await backend.open(scenario, { runId, runDir: opts.runDir, teardown, ledger, toxiproxyUrl: opts.toxiproxyUrl ?? null, cpuPinning: opts.cpuPinning ?? 'auto' });
    const phases = planPhases(scenario.arms, scenario.repeats);
    const outputs: PhaseOutput[] = [];
    const before = await machineActivity(runId);
    for (const [i, phase] of phases.entries()) {
      progress.phaseStart(phase, i, phases.length);
      const out = await runPhase(scenario, phase, { backend: run, teardown, progress });
      const lat = out.loadgen;
      progress.phaseEnd(`${lat.requests.ok}/${lat.requests.scheduled} ok, ${lat.achievedRps.toFixed(0)} rps`);
      outputs.push(out);
    }
    const after = await machineActivity(runId);
    const environment = { ...describeEnvironment(scenario), ...(await run.describe()) };
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
        hypervisorSteal: hypervisorStealShare(before, after),
        cpuPinning: run.cpuPinning(),
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
