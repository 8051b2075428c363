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
import { runFaultTimeline } from './fault-timeline.ts';
import type { PhasePlan } from './plan.ts';
import type { Progress } from './progress.ts';
import { startSampling, toServiceSeries } from './service-sampler.ts';
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
  let stopFaults: (() => Promise<void>) | null = null;
  try {
    await loadgen.next('ready');
    let sampling: ReturnType<typeof startSampling> | null = null;
    let timeline: ReturnType<typeof runFaultTimeline> | null = null;
    loadgen.onMessage((event) => {
      if (event.type === 'measure-start') {
        ctx.progress.measuring();
        sampling = startSampling(() => topo.sampleServices());
        const started = runFaultTimeline(scenario.faults, phase, (f) => startFault(f, topo, ctx), realClock);
        timeline = started;
        // Ctrl-C or an error mid-phase: lift the faults (thaw, delete tables) before the
        // teardown stops the processes, which run later as they were registered earlier.
        stopFaults = ctx.teardown.add('fault timeline', () => started.stopAll());
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
    const samples = sampling ? await (sampling as { stop(): Promise<never[]> }).stop() : [];
    const tl = timeline as ReturnType<typeof runFaultTimeline> | null;
    await (stopFaults as (() => Promise<void>) | null)?.();
    const proxy = await topo.proxyStats();
    return {
      arm: phase.arm,
      repeat: phase.repeat,
      startedAt,
      loadgen: outcome.result,
      services: toServiceSeries(samples).map((s) => ({ ...s, windows: s.windows.slice(0, scenario.load.durationS) })),
      faults: tl?.records ?? [],
      proxy,
    };
  } finally {
    await (stopFaults as (() => Promise<void>) | null)?.();
    await unregister();
    await topo.stop();
  }
}
