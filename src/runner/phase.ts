// Why: one phase = one arm, one repeat: bring the arm's topology up, switch the scenario's
// conditions on, offer the load, inject the fault timeline from the start of the measured part,
// sample the services and the proxy every second, and tear everything down — fresh processes
// each phase, so no queue or EWMA state leaks from one arm into the next.
import type { ProxyStats } from '../../proxy/src/config.ts';
import type { BackendRun } from '../backend/contract.ts';
import { realClock } from '../core/clock.ts';
import { deriveSeed } from '../core/rng.ts';
import type { LoadgenResult } from '../load/types.ts';
import type { EdgeSeries, FaultRecord, ProxyUsage, ServiceSeries } from '../result/types.ts';
import type { Teardown } from '../runtime/teardown.ts';
import { conditionAsFault } from '../scenario/injections.ts';
import type { Scenario } from '../scenario/types.ts';
import { startConditions } from './conditions.ts';
import { runFaultTimeline, type FaultTimeline } from './fault-timeline.ts';
import type { PhasePlan } from './plan.ts';
import type { Progress } from './progress.ts';
import { proxyUsage, startSampling, toEdgeSeries, toServiceSeries, type TopologySample } from './service-sampler.ts';

type Sampling = ReturnType<typeof startSampling<TopologySample>>;

export interface PhaseOutput {
  arm: PhasePlan['arm'];
  repeat: number;
  startedAt: string;
  loadgen: LoadgenResult;
  services: ServiceSeries[];
  edges: EdgeSeries[];
  faults: FaultRecord[];
  conditions: FaultRecord[];
  /** Cumulative proxy counters at the end of the phase (warmup included). */
  proxy: ProxyStats | null;
  /** The proxy's counter growth, CPU and memory over the measured part. */
  proxyUsage: ProxyUsage | null;
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
  let stopConditions: (() => Promise<void>) | null = null;
  try {
    // Conditions are part of the environment: on before the first warmup request, off after the last.
    const conditions = await startConditions(scenario.conditions, phase, scenario.load.durationS * 1000, (c) => topo.startFault(conditionAsFault(c, scenario)), realClock);
    stopConditions = ctx.teardown.add('conditions', () => conditions.stop());
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
          conditions.measureStarted();
          ctx.progress.measuring();
          const timeline = runFaultTimeline(scenario.faults, phase, (f) => topo.startFault(f), realClock);
          measuring.current = {
            sampling: startSampling(async (): Promise<TopologySample> => {
              const [services, proxy] = await Promise.all([topo.sampleServices(), topo.proxyStats()]);
              return { services, proxy };
            }),
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
    await stopConditions();
    const proxy = await topo.proxyStats();
    const windows = scenario.load.durationS;
    return {
      arm: phase.arm,
      repeat: phase.repeat,
      startedAt,
      loadgen,
      services: toServiceSeries(samples.map((s) => s.services)).map((s) => ({ ...s, windows: s.windows.slice(0, windows) })),
      edges: toEdgeSeries(samples, scenario.topology, phase.arm).map((e) => ({ ...e, windows: e.windows.slice(0, windows) })),
      faults: measured?.timeline.records ?? [],
      conditions: conditions.records,
      proxy,
      proxyUsage: proxyUsage(samples, windows),
    };
  } finally {
    await measuring.current?.stopFaults();
    await stopConditions?.();
    await stopLoad?.();
    await topo.stop();
  }
}
