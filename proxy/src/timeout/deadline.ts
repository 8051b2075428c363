// Why: a caller that has already given up makes every further millisecond of work waste. The
// proxy's deadline is the earlier of its route timeout and the caller's propagated deadline
// (header `x-meshbench-deadline-ms`: remaining milliseconds, decimal). Pure: time is an argument.
import { MAX_TIMER_MS } from '../../../src/scenario/limits.ts';

export const DEADLINE_HEADER = 'x-meshbench-deadline-ms';
/** A caller's deadline further away than a timer can wait is no deadline to enforce: capped. */
export const MAX_DEADLINE_MS = MAX_TIMER_MS;

/** Absolute deadline (clock ms), or null when neither the route nor the caller sets one. */
export function deadlineFor(now: number, routeTimeoutMs: number | null, incoming: string | string[] | undefined): number | null {
  const remaining = parseRemaining(incoming);
  const limits = [routeTimeoutMs, remaining].filter((v): v is number => v !== null);
  return limits.length === 0 ? null : now + Math.min(...limits);
}

/** The header value to send downstream. */
export function remainingHeader(deadlineAt: number, now: number): string {
  return Math.max(0, deadlineAt - now).toFixed(1);
}

function parseRemaining(value: string | string[] | undefined): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return null;
  const ms = Number(raw);
  return Number.isFinite(ms) ? Math.min(MAX_DEADLINE_MS, Math.max(0, ms)) : null;
}
