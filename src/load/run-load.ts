// Why: one phase of open-loop load, assembled from its three parts — schedule (when), executor
// (send, measure from the intended time), recorder (histograms) — plus the HTTP sender. The
// worker process wraps this in the IPC protocol; the lateness bench calls it in-process.
import { realClock } from '../core/clock.ts';
import type { WindowPoint } from '../result/types.ts';
import { OpenLoopExecutor, type Waiter } from './executor.ts';
import { httpSender } from './http-sender.ts';
import { PhaseTimeline } from './phase-timeline.ts';
import { Recorder } from './recorder.ts';
import { threadWaiter } from './thread-waiter.ts';
import { arrivalSchedule, scheduleRngs } from './schedule.ts';
import type { LoadgenConfig, LoadgenResult } from './types.ts';

export interface LoadHooks {
  /** Warmup is over: t = 0 of windows and of the fault timeline. */
  onMeasureStart?: () => void;
  /** A measured window is over and all its requests settled. */
  onWindow?: (window: WindowPoint, inFlight: number) => void;
}

/** The lateness bench swaps in other waiters to compare against; the default is a timer thread. */
export interface LoadDeps {
  wait?: Waiter;
}

export interface LoadRun {
  /** Resolves after the last arrival's request has completed or timed out. */
  done: Promise<LoadgenResult>;
  /** End early: stop sending, let requests in flight settle, report what was measured. */
  stop(): void;
}

export function startLoad(config: LoadgenConfig, hooks: LoadHooks = {}, deps: LoadDeps = {}): LoadRun {
  const { load } = config;
  const sender = httpSender(config);
  const durationMs = load.durationS * 1000;
  let startedAt = new Date().toISOString();

  const recorder = new Recorder(null, (window) => hooks.onWindow?.(window, executor.inFlight));
  const timeline = new PhaseTimeline(load, recorder, () => {
    startedAt = new Date().toISOString();
    hooks.onMeasureStart?.();
  });

  const timerThread = deps.wait ? null : threadWaiter(realClock);
  const executor = new OpenLoopExecutor({
    arrivals: arrivalSchedule(load, scheduleRngs(config.seed), timeline),
    marks: timeline.marks(),
    maxInFlight: load.maxInFlight,
    send: sender.send,
    sink: recorder,
    clock: realClock,
    wait: deps.wait ?? timerThread!.wait,
  });

  const done = executor
    .run()
    .then((summary) => {
      const start = timeline.measureStartMs;
      const measuredMs = start === null ? 0 : summary.stopped ? Math.min(durationMs, Math.max(0, summary.endedAtMs - start)) : durationMs;
      recorder.finish(measuredMs);
      return recorder.result(startedAt, measuredMs, timeline.warmupRecord());
    })
    .finally(async () => {
      sender.close();
      await timerThread?.close();
    });
  return { done, stop: () => executor.stop() };
}
