// Why: one phase = one arm, one repeat: bring the arm's topology up, offer the load, inject the
// fault timeline from the start of the measured part, sample the services every second, and
// tear everything down — fresh processes each phase, so no queue or EWMA state leaks from one
// arm into the next.
import type { ProxyStats } from '../../proxy/src/config.ts';
import type { BackendRun } from '../backend/contract.ts';
import { realClock } from '../core/clock.ts';
import { deriveSeed } from '../core/rng.ts';
import type { LoadgenResult } from '../load/types.ts';
import type { FaultRecord, ServiceSeries } from '../result/types.ts';
import type { Teardown } from '../runtime/teardown.ts';
import type { Scenario } from '../scenario/types.ts';
import { runFaultTimeline, type FaultTimeline } from './fault-timeline.ts';
import type { PhasePlan } from './plan.ts';
import type { Progress } from './progress.ts';
import { startSampling, toServiceSeries } from './service-sampler.ts';

type Sampling = ReturnType<typeof startSampling>;

export interface PhaseOutput {
  arm: PhasePlan['arm'];
  repeat: number;
  startedAt: string;
  loadgen: LoadgenResult;
  services: ServiceSeries[];
  faults: FaultRecord[];
  proxy: ProxyStats | null;
}

export interface PhaseContext {
  backend: BackendRun;
  teardown: Teardown;
  progress: Progress;
}

export async function runPhase(scenario: Scenario, phase: PhasePlan, ctx: PhaseContext): Promise<PhaseOutput> {
  const startedAt = new Date().toISOString();
  const topo = await ctx.backend.startArm(phase.arm);
  // What starts with the measured part (service sampling, the fault timeline), filled in by
  // the generator's measure-start event — a holder, since a closure assigns it.
  const measuring: { current: { sampling: Sampling; timeline: FaultTimeline; stopFaults: () => Promise<void> } | null } = { current: null };
  let stopLoad: (() => Promise<void>) | null = null;
  try {
    const load = await topo.startLoad(
      {
        targets: topo.loadTargets,
        hostHeader: topo.hostHeader,
        load: scenario.load,
        // Both arms of a repeat get the identical arrival schedule.
        seed: deriveSeed(scenario.seed, `load#${phase.repeat}`),
      },
      {
        measureStart() {
          ctx.progress.measuring();
          const timeline = runFaultTimeline(scenario.faults, phase, (f) => topo.startFault(f), realClock);
          measuring.current = {
            sampling: startSampling(() => topo.sampleServices()),
            timeline,
            // Ctrl-C or an error mid-phase: lift the faults (thaw, delete tables) before the
            // teardown stops the processes, which run later as they were registered earlier.
            stopFaults: ctx.teardown.add('fault timeline', () => timeline.stopAll()),
          };
        },
        window: (window, inFlight) => ctx.progress.window(window, inFlight),
      },
    );
    stopLoad = load.stop;
    const loadgen = await load.done;
    const measured = measuring.current;
    const samples = measured ? await measured.sampling.stop() : [];
    await measured?.stopFaults();
    const proxy = await topo.proxyStats();
    return {
      arm: phase.arm,
      repeat: phase.repeat,
      startedAt,
      loadgen,
      services: toServiceSeries(samples).map((s) => ({ ...s, windows: s.windows.slice(0, scenario.load.durationS) })),
      faults: measured?.timeline.records ?? [],
      proxy,
    };
  } finally {
    await measuring.current?.stopFaults();
    await stopLoad?.();
    await topo.stop();
  }
}
