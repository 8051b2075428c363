// Why: one phase = one arm, one repeat: bring the arm's topology up, offer the load, inject the
// fault timeline from the start of the measured part, sample the services every second, and
// tear everything down — fresh processes each phase, so no queue or EWMA state leaks from one
// arm into the next.
import { realClock } from '../core/clock.ts';
import { InternalError } from '../core/errors.ts';
import { deriveSeed } from '../core/rng.ts';
import type { LoadgenCommand, LoadgenEvent, LoadgenResult } from '../load/types.ts';
import type { FaultRecord, ServiceSeries } from '../result/types.ts';
import { startChild } from '../runtime/child.ts';
import type { Scenario } from '../scenario/types.ts';
import { startFault, type FaultContext } from './fault-driver.ts';
import { runFaultTimeline, type FaultTimeline } from './fault-timeline.ts';
import type { PhasePlan } from './plan.ts';
import type { Progress } from './progress.ts';
import { startSampling, toServiceSeries } from './service-sampler.ts';

type Sampling = ReturnType<typeof startSampling>;
import { startTopology, type ProxyStatsMessage, type TopologyContext } from './topology.ts';

export interface PhaseOutput {
  arm: PhasePlan['arm'];
  repeat: number;
  startedAt: string;
  loadgen: LoadgenResult;
  services: ServiceSeries[];
  faults: FaultRecord[];
  proxy: ProxyStatsMessage | null;
}

export type PhaseContext = TopologyContext & FaultContext & { progress: Progress };

export async function runPhase(scenario: Scenario, phase: PhasePlan, ctx: PhaseContext): Promise<PhaseOutput> {
  const startedAt = new Date().toISOString();
  const topo = await startTopology(scenario, phase.arm, ctx);
  const loadgen = startChild<LoadgenCommand, LoadgenEvent>('src/load/worker.ts', { label: 'loadgen' });
  const unregister = ctx.teardown.add('process loadgen', () => loadgen.stop());
  // What starts with the measured part (service sampling, the fault timeline), filled in by
  // the generator's measure-start event — a holder, since a closure assigns it.
  const measuring: { current: { sampling: Sampling; timeline: FaultTimeline; stopFaults: () => Promise<void> } | null } = { current: null };
  try {
    await loadgen.next('ready');
    loadgen.onMessage((event) => {
      if (event.type === 'measure-start') {
        ctx.progress.measuring();
        const timeline = runFaultTimeline(scenario.faults, phase, (f) => startFault(f, topo, ctx), realClock);
        measuring.current = {
          sampling: startSampling(() => topo.sampleServices()),
          timeline,
          // Ctrl-C or an error mid-phase: lift the faults (thaw, delete tables) before the
          // teardown stops the processes, which run later as they were registered earlier.
          stopFaults: ctx.teardown.add('fault timeline', () => timeline.stopAll()),
        };
      } else if (event.type === 'progress') {
        ctx.progress.window(event.window, event.inFlight);
      }
    });
    const errored = loadgen.next<Extract<LoadgenEvent, { type: 'error' }>>('error', 24 * 3600_000);
    const done = loadgen.next<Extract<LoadgenEvent, { type: 'done' }>>(
      'done',
      (scenario.load.warmupS + scenario.load.durationS) * 1000 + scenario.load.timeoutMs + 60_000,
    );
    loadgen.send({
      type: 'start',
      config: {
        targets: topo.loadTargets,
        hostHeader: topo.hostHeader,
        load: scenario.load,
        // Both arms of a repeat get the identical arrival schedule.
        seed: deriveSeed(scenario.seed, `load#${phase.repeat}`),
      },
    });
    const outcome = await Promise.race([done, errored]);
    void errored.catch(() => {});
    if (outcome.type === 'error') throw new InternalError(`load generator failed: ${outcome.message}`);
    const measured = measuring.current;
    const samples = measured ? await measured.sampling.stop() : [];
    await measured?.stopFaults();
    const proxy = await topo.proxyStats();
    return {
      arm: phase.arm,
      repeat: phase.repeat,
      startedAt,
      loadgen: outcome.result,
      services: toServiceSeries(samples).map((s) => ({ ...s, windows: s.windows.slice(0, scenario.load.durationS) })),
      faults: measured?.timeline.records ?? [],
      proxy,
    };
  } finally {
    await measuring.current?.stopFaults();
    await unregister();
    await topo.stop();
  }
}
