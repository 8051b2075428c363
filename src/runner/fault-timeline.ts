// Why: faults start and stop at the same offsets in every phase of every arm. This schedules
// them relative to the start of the measured part and records when each actually started and
// stopped, and by which mechanism, for the result and the report.
import type { Clock } from '../core/clock.ts';
import type { ActiveFault } from '../faults/types.ts';
import type { FaultRecord } from '../result/types.ts';
import type { ArmName, FaultSpec } from '../scenario/types.ts';

export interface FaultTimeline {
  records: FaultRecord[];
  /** Stops every fault still active and cancels the ones not started yet. */
  stopAll(): Promise<void>;
}

export function runFaultTimeline(
  faults: FaultSpec[],
  phase: { arm: ArmName; repeat: number },
  start: (fault: FaultSpec) => Promise<ActiveFault>,
  clock: Clock,
): FaultTimeline {
  const t0 = clock.now();
  const timers: NodeJS.Timeout[] = [];
  const active = new Map<number, Promise<ActiveFault | null>>();
  const records: FaultRecord[] = faults.map((f) => ({
    name: f.name,
    kind: f.kind,
    target: f.target,
    arm: phase.arm,
    repeat: phase.repeat,
    mechanism: 'not started',
    requestedStartMs: f.atMs,
    requestedStopMs: f.atMs + f.durationMs,
    actualStartMs: null,
    actualStopMs: null,
    error: null,
  }));

  const stop = async (i: number) => {
    const running = active.get(i);
    if (!running) return;
    active.delete(i);
    const fault = await running;
    if (!fault) return;
    try {
      await fault.stop();
      records[i]!.actualStopMs = clock.now() - t0;
    } catch (err) {
      records[i]!.error = `stop failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  };

  faults.forEach((fault, i) => {
    timers.push(
      setTimeout(() => {
        const record = records[i]!;
        active.set(
          i,
          start(fault).then(
            (f) => {
              record.actualStartMs = clock.now() - t0;
              record.mechanism = f.mechanism;
              return f;
            },
            (err: unknown) => {
              record.error = err instanceof Error ? err.message : String(err);
              return null;
            },
          ),
        );
      }, Math.max(0, fault.atMs)),
      setTimeout(() => void stop(i), Math.max(0, fault.atMs + fault.durationMs)),
    );
  });

  return {
    records,
    async stopAll() {
      for (const t of timers) clearTimeout(t);
      await Promise.all([...active.keys()].map(stop));
    },
  };
}
