// Why: on the embedded backend the open-loop load generator is one local child process
// (src/load/worker.ts), so its timers and sockets do not share an event loop with the runner or
// the proxy. This wraps its IPC protocol into the backend contract's LoadRun.
import { InternalError } from '../../core/errors.ts';
import type { LoadgenCommand, LoadgenConfig, LoadgenEvent, LoadgenResult } from '../../load/types.ts';
import { startChild } from '../../runtime/child.ts';
import type { Teardown } from '../../runtime/teardown.ts';
import type { LoadEvents, LoadRun } from '../contract.ts';
import type { CpuPinner } from './cpu-pinner.ts';

export async function startLoadGenerator(config: LoadgenConfig, events: LoadEvents, teardown: Teardown, pinner: CpuPinner | null): Promise<LoadRun> {
  const loadgen = startChild<LoadgenCommand, LoadgenEvent>('src/load/worker.ts', { label: 'loadgen' });
  const unregister = teardown.add('process loadgen', () => loadgen.stop());
  try {
    await pinner?.pin('generator', loadgen);
    await loadgen.next('ready');
  } catch (err) {
    await unregister();
    throw err;
  }
  loadgen.onMessage((event) => {
    if (event.type === 'measure-start') events.measureStart();
    else if (event.type === 'progress') events.window(event.window, event.inFlight);
  });
  const errored = loadgen.next<Extract<LoadgenEvent, { type: 'error' }>>('error', 24 * 3600_000);
  const finished = loadgen.next<Extract<LoadgenEvent, { type: 'done' }>>(
    'done',
    (config.load.warmupS + config.load.durationS) * 1000 + config.load.timeoutMs + 60_000,
  );
  loadgen.send({ type: 'start', config });
  const done: Promise<LoadgenResult> = Promise.race([finished, errored]).then((outcome) => {
    if (outcome.type === 'error') throw new InternalError(`load generator failed: ${outcome.message}`);
    return outcome.result;
  });
  void errored.catch(() => {});
  // The caller may stop early and never await `done`; its rejection is theirs to observe.
  void done.catch(() => {});
  return { done, stop: unregister };
}
