// Why: a plain setTimeout fires ~1 ms late at p50 and 2–3 ms at p99 — more than the proxy
// overhead meshbench measures. So we sleep on a timer only until shortly before the due time,
// then poll the clock with setImmediate, which still lets socket I/O through between polls.
// The cost is one busy core while polling; the measured send lateness is the payoff.
import { realClock, type Clock } from '../core/clock.ts';
import type { Waiter } from './executor.ts';

/** Timer sleep stops this long before the due time; the rest is polled. */
const DEFAULT_POLL_WINDOW_MS = 1.5;

export function preciseWaiter(clock: Clock = realClock, pollWindowMs = DEFAULT_POLL_WINDOW_MS): Waiter {
  // Callbacks, not an await per poll: the poll loop runs thousands of times a second and
  // a promise per turn would feed the garbage collector, whose pauses are lateness too.
  return (untilMs, signal) =>
    new Promise<void>((resolve) => {
      const poll = () => {
        if (signal.aborted || clock.now() >= untilMs) resolve();
        else setImmediate(poll);
      };
      const sleepMs = untilMs - clock.now() - pollWindowMs;
      if (sleepMs < 1) return poll();
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        poll();
      };
      const timer = setTimeout(wake, sleepMs);
      signal.addEventListener('abort', wake, { once: true });
    });
}
