// Why: the load generator runs in its own process so its timers and sockets do not share an
// event loop with the runner (or a proxy). This entry only speaks the IPC protocol of
// src/load/types.ts around startLoad.
//
// Lifecycle: ready → start → measure-start → progress… → done. After `done` the process stays
// until the runner sends `stop` or disconnects, so `done` can never race the process exit, and
// it may be given the next `start`: a capacity sweep runs its short steps on one warm generator,
// because a fresh process stalls in its first seconds (docs/benchmarks.md, "Capacity sweeps").
// A `stop` during a run ends it early and still answers with `done` (what was measured).
import { isMeshbenchError } from '../core/errors.ts';
import { exitWithParent } from '../runtime/exit-with-parent.ts';
import { startLoad, type LoadRun } from './run-load.ts';
import type { LoadgenCommand, LoadgenEvent } from './types.ts';

if (!process.send) {
  process.stderr.write('src/load/worker.ts is started by the meshbench runner over IPC, not by hand\n');
  process.exit(2);
}

function emit(event: LoadgenEvent): void {
  process.send?.(event);
}

function describe(err: unknown): string {
  if (isMeshbenchError(err)) return `${err.message} (hint: ${err.hint})`;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

let run: LoadRun | null = null;
let running = false;

exitWithParent();

process.on('message', (message: LoadgenCommand) => {
  if (message.type === 'stop') {
    if (running) run?.stop();
    else process.exit(0);
    return;
  }
  if (running) {
    emit({ type: 'error', message: 'the load generator was started while a load was running; wait for its done' });
    return;
  }
  try {
    run = startLoad(message.config, {
      onMeasureStart: () => emit({ type: 'measure-start' }),
      onWindow: (window, inFlight) => emit({ type: 'progress', window, inFlight }),
    });
  } catch (err) {
    emit({ type: 'error', message: describe(err) });
    return;
  }
  running = true;
  run.done.then(
    (result) => emit({ type: 'done', result }),
    (err: unknown) => emit({ type: 'error', message: describe(err) }),
  ).finally(() => {
    running = false;
  });
});

emit({ type: 'ready' });
