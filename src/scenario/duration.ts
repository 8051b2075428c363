// Why: every time in a scenario is written with its unit (`10ms`, `1.5s`, `1m30s`) so a reader
// never has to guess whether `10` means milliseconds or seconds; this is the one place that
// turns such text into milliseconds.

const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(us|µs|ms|s|m|h)/y;

export const DURATION_UNITS = 'us, ms, s, m, h';

/** Milliseconds for a duration such as `250ms`, `1.5s` or `1m30s`; null when it is not one. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  PART.lastIndex = 0;
  let total = 0;
  while (PART.lastIndex < trimmed.length) {
    const match = PART.exec(trimmed);
    if (match === null) return null;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : null;
}

/** A compact label for milliseconds, for messages: 1500 → "1.5s", 20 → "20ms". */
export function formatDuration(ms: number): string {
  if (ms >= 1_000 && ms % 100 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** "1 zone", "2 zones", for messages. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
