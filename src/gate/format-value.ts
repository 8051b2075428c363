// Why: the console line, the JUnit message and the Markdown table must show a gate's numbers
// the same way, so a user can match them up; this is that one way.

/** How a judged statistic is shown: a time (held in ms), a fraction as %, a signed change, or a plain number. */
export type DisplayUnit = 'ms' | 'percent' | 'change' | 'number';

function trim(x: string): string {
  return x.includes('.') ? x.replace(/\.?0+$/, '') : x;
}

function significant(x: number): string {
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return trim(x.toFixed(1));
  if (a >= 1) return trim(x.toFixed(2));
  return trim(x.toPrecision(3));
}

export function formatValue(x: number, unit: DisplayUnit): string {
  if (Number.isNaN(x)) return 'undefined';
  if (x === Infinity) return unit === 'ms' ? 'never' : '∞';
  if (x === -Infinity) return '−∞';
  switch (unit) {
    case 'ms':
      return Math.abs(x) >= 1000 ? `${significant(x / 1000)}s` : `${significant(x)}ms`;
    case 'percent':
      return `${significant(x * 100)}%`;
    case 'change':
      return `${x > 0 ? '+' : ''}${significant(x * 100)}%`;
    case 'number':
      return significant(x);
  }
}

export function formatInterval(lo: number, hi: number, unit: DisplayUnit): string {
  return `${formatValue(lo, unit)} … ${formatValue(hi, unit)}`;
}
