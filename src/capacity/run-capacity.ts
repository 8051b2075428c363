// Why: the I/O side of a capacity sweep. For each replica count of the scaled service and each
// arm (alternating, so drift of the machine hits both alike), it brings the topology up through
// the runner, probes saturation with a closed loop, and lets the pure sweep policy choose every
// open-loop step. Every step starts on a drained topology, and on fresh processes after a step
// that collapsed (or anything that did not drain), so no queue leaks into the next measurement.
// One teardown and the run's ledger undo everything however the sweep ends — Ctrl-C included.
import { mkdir } from 'node:fs/promises';
import { environmentError } from '../core/errors.ts';
import { deriveSeed } from '../core/rng.ts';
import { describeEnvironment, meshbenchVersion } from '../runner/environment.ts';
import { startTopology, type RunningTopology, type TopologyContext } from '../backend/embedded/topology.ts';
import { installCleanupHandlers } from '../runtime/clean.ts';
import { Ledger, newRunId } from '../runtime/ledger.ts';
import { Teardown } from '../runtime/teardown.ts';
import type { ArmName, Scenario } from '../scenario/types.ts';
import { contentionDelayMs, meanServiceTimeMs, nominalCapacityRps } from '../services/service-time.ts';
import { cellScenario, kneeRecord, stepDurationS, stepTimeoutMs } from './cell.ts';
import { probeConnections, probeSaturation } from './probe.ts';
import type { CapacityProgress } from './progress.ts';
import type { ArmSweep, CapacitySettings, CapacitySweep, KneeRecord, StepRecord } from './result.ts';
import { runStep } from './step.ts';
import { SweepLoadgen } from './sweep-loadgen.ts';
import { findKnee } from './sweep.ts';

export interface SweepOptions {
  scenario: Scenario;
  arms: ArmName[];
  settings: CapacitySettings;
  /** Directory for the run's files (proxy configuration). */
  runDir: string;
  progress: CapacityProgress;
}

/** Waits until no request is in flight anywhere in the topology; false if that takes too long. */
async function drained(topo: RunningTopology, timeoutMs = 5000): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const sample = await topo.sampleServices();
    if ([...sample.values()].every((c) => c.inFlight === 0)) return true;
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sweepCell(opts: SweepOptions, arm: ArmName, replicas: number, ctx: TopologyContext & { teardown: Teardown }, loadgen: SweepLoadgen): Promise<KneeRecord> {
  const { settings, progress } = opts;
  const t0 = performance.now();
  const scenario = cellScenario(opts.scenario, settings.service, replicas);
  const service = scenario.topology.services.find((s) => s.name === settings.service)!;
  const start = () => startTopology(scenario, arm, ctx);
  let topo = await start();
  try {
    const probe = await probeSaturation({
      targets: topo.loadTargets,
      hostHeader: topo.hostHeader,
      method: scenario.load.method,
      path: scenario.load.path,
      connections: probeConnections(replicas, service.pool, topo.loadTargets.length),
      durationS: settings.probeS,
    });
    progress.probe(probe);
    if (!(probe.okRps > 0)) {
      throw environmentError(
        'E_CAPACITY_NO_ANSWER',
        `${arm} with ${replicas} × ${service.name} answered no request successfully during the ${settings.probeS} s closed-loop probe (${probe.non2xx} non-2xx responses, ${probe.errors} errors)`,
        `check that the scenario serves requests: meshbench run ${opts.scenario.file} --duration 5`,
      );
    }
    // A closed loop leaves little queued once it stops; what it did leave must drain before the
    // first step (or the processes are started afresh). The proxy's latency estimates are
    // inflated alike for every endpoint, which leaves its choices between them as they were.
    if (!(await drained(topo))) {
      await topo.stop();
      topo = await start();
    }
    const timeoutMs = stepTimeoutMs(settings.slos, scenario.load.timeoutMs);
    const search = await findKnee<StepRecord>(
      async (rate, purpose) => {
        progress.stepStart(purpose, rate);
        const step = await runStep(
          { purpose, rate, warmupS: settings.step.warmupS, durationS: stepDurationS(rate, settings.step.durationS), timeoutMs, seed: deriveSeed(scenario.seed, `capacity@${rate}`) },
          { topo, load: scenario.load, service: { name: service.name, pool: service.pool }, slos: settings.slos, loadgen, onWindow: (w, n) => progress.window(w, n) },
        );
        progress.step(step);
        if (step.collapsed !== null || !(await drained(topo))) {
          await topo.stop();
          topo = await start();
        }
        return step;
      },
      probe.okRps,
      { ...settings.limits, resolution: settings.resolution },
    );
    const configured = { rps: nominalCapacityRps(service, replicas), queryMs: meanServiceTimeMs(service.serviceTime) + contentionDelayMs(service.contention, replicas) };
    const knee = kneeRecord(replicas, search, probe, configured, (performance.now() - t0) / 1000);
    progress.knee(knee);
    return knee;
  } finally {
    await topo.stop();
  }
}

export async function runCapacitySweep(opts: SweepOptions): Promise<CapacitySweep> {
  const { scenario, settings, progress } = opts;
  if (scenario.backend.kind !== 'embedded') {
    throw environmentError(
      'E_BACKEND_UNAVAILABLE',
      `${scenario.file}: backend "${scenario.backend.kind}" is not available for capacity sweeps in meshbench ${meshbenchVersion()}; capacity sweeps run on the embedded backend (local processes on loopback) — \`meshbench run\` runs the scenario in a cluster`,
      'Remove the `backend:` block (or set `backend: {kind: embedded}`) to sweep locally.',
    );
  }
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  await mkdir(opts.runDir, { recursive: true });
  const ledger = Ledger.open(runId);
  const teardown = new Teardown();
  const uninstall = installCleanupHandlers(
    async () => {
      progress.note('stopping the capacity sweep and removing everything it started…');
      await teardown.run();
      ledger.close();
    },
    { runId },
  );
  // Capacity runs unpinned: its closed-loop probe (autocannon) runs in this process, which no
  // CPU plan covers.
  const ctx = { runId, runDir: opts.runDir, teardown, ledger, toxiproxyUrl: null, pinner: null };
  // One generator for every step: it stays warm (see sweep-loadgen.ts).
  const loadgen = new SweepLoadgen(teardown);
  try {
    const arms: ArmSweep[] = opts.arms.map((name) => ({ name, knees: [] }));
    const total = settings.replicas.length * arms.length;
    let index = 0;
    for (const replicas of settings.replicas) {
      for (const arm of arms) {
        const service = scenario.topology.services.find((s) => s.name === settings.service)!;
        progress.cell(arm.name, replicas, index++, total, nominalCapacityRps(service, replicas));
        arm.knees.push(await sweepCell(opts, arm.name, replicas, ctx, loadgen));
      }
    }
    return {
      id: runId,
      startedAt,
      finishedAt: new Date().toISOString(),
      wallTimeS: (performance.now() - t0) / 1000,
      meshbenchVersion: meshbenchVersion(),
      environment: describeEnvironment(scenario),
      scenario,
      settings,
      arms,
    };
  } finally {
    const failures = await teardown.run();
    ledger.close();
    uninstall();
    if (failures.length > 0) progress.note(`cleanup problems (run \`meshbench clean\`):\n  ${failures.join('\n  ')}`);
  }
}
