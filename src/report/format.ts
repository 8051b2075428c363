// Why: the CLI table, the Markdown summary and the HTML report must print the same number the
// same way, so a value read in CI matches the one in the report. Precision follows magnitude:
// sub-millisecond values keep two decimals (the measurement floor lives there).

export function formatMs(ms: number): string {
  return `${formatMagnitude(ms)} ms`;
}

/** Always signed, so an overhead reads as "+0.3 ms" or "-1.2 ms". */
export function formatSignedMs(ms: number): string {
  const sign = ms > 0 ? '+' : ms < 0 ? '-' : '±';
  return `${sign}${formatMagnitude(Math.abs(ms))} ms`;
}

/** A share in [0, 1] as a percentage with two decimals: 0.0123 → "1.23 %". */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(2)} %`;
}

export function formatRps(rps: number): string {
  return rps >= 100 ? rps.toFixed(0) : rps.toFixed(1);
}

/** A timeline offset to the millisecond, so requested and actual fault times can differ visibly. */
export function formatOffsetMs(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** A ratio such as a retry amplification: 3.9 → "3.90×". */
export function formatFactor(x: number): string {
  return `${x.toFixed(2)}×`;
}

function formatMagnitude(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1) return ms.toFixed(2);
  if (abs < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}
