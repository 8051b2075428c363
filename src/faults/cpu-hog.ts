// Why: a noisy neighbour is a process that burns CPU and nothing else. This is its entry file
// (started through src/runtime/child.ts); it counts its loop iterations and reports them on
// request, so a test can tell it is making progress.
import { exitWithParent } from '../runtime/exit-with-parent.ts';

export type HogCommand = { type: 'count' };
export type HogEvent = { type: 'ready' } | { type: 'count'; iterations: number };

let iterations = 0;
let sink = 0;

/** Burns ~5 ms of CPU, then yields so IPC messages are answered. */
function burn(): void {
  const until = performance.now() + 5;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) sink = (sink + i * 7) % 1_000_003;
    iterations++;
  }
  setImmediate(burn);
}

exitWithParent();
process.on('message', (m: HogCommand) => {
  if (m.type === 'count') process.send?.({ type: 'count', iterations } satisfies HogEvent);
});
process.send?.({ type: 'ready' } satisfies HogEvent);
burn();
