// Why: a condition (regional jitter, a lossy link, CPU steal) is part of the environment being
// measured, so it is on before the first warmup request and stays on until the phase's last
// request has finished — in both arms alike. It is injected by the same machinery as a fault,
// with a whole-phase window; its record says when it actually ran, relative to the measured
// part's t = 0 (so its start is negative: it covered the warmup too).
import type { Clock } from '../core/clock.ts';
import type { ActiveFault } from '../faults/types.ts';
import type { FaultRecord } from '../result/types.ts';
import type { ArmName, ConditionSpec } from '../scenario/types.ts';

export interface RunningConditions {
  records: FaultRecord[];
  /** The measured part started now: record times become offsets from it. */
  measureStarted(): void;
  stop(): Promise<void>;
}

export async function startConditions(
  conditions: ConditionSpec[],
  phase: { arm: ArmName; repeat: number },
  /** Length of the measured part: a condition is asked to last at least until its end. */
  measuredMs: number,
  start: (condition: ConditionSpec) => Promise<ActiveFault>,
  clock: Clock,
): Promise<RunningConditions> {
  const started = await Promise.all(
    conditions.map(async (c) => {
      const at = clock.now();
      try {
        const active = await start(c);
        return { spec: c, active, startedAt: at, error: null };
      } catch (err) {
        return { spec: c, active: null, startedAt: at, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  let t0: number | null = null;
  const stoppedAt = new Map<number, number>();
  const stopErrors = new Map<number, string>();
  const rel = (t: number) => (t0 === null ? null : t - t0);
  const records = (): FaultRecord[] =>
    started.map((s, i) => ({
      name: s.spec.name,
      kind: s.spec.kind,
      target: s.spec.target,
      arm: phase.arm,
      repeat: phase.repeat,
      mechanism: s.active?.mechanism ?? 'not started',
      requestedStartMs: rel(s.startedAt) ?? 0,
      requestedStopMs: measuredMs,
      actualStartMs: s.active ? rel(s.startedAt) : null,
      actualStopMs: stoppedAt.has(i) ? rel(stoppedAt.get(i)!) : null,
      error: s.error ?? stopErrors.get(i) ?? null,
    }));
  let stopping: Promise<void> | null = null;
  return {
    get records() {
      return records();
    },
    measureStarted() {
      t0 = clock.now();
    },
    stop() {
      stopping ??= Promise.all(
        started.map(async (s, i) => {
          if (!s.active) return;
          try {
            await s.active.stop();
            stoppedAt.set(i, clock.now());
          } catch (err) {
            stopErrors.set(i, `stop failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }),
      ).then(() => {});
      return stopping;
    },
  };
}
