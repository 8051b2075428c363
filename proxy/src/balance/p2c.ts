// Why: power of two choices — compare two random endpoints and take the cheaper — gets nearly
// the benefit of least-loaded selection without a herd rushing to the one best endpoint, and costs
// O(1) per request.
import type { Rng } from '../../../src/core/rng.ts';

export function pickP2c<T>(items: readonly T[], cost: (item: T) => number, rng: Rng): T | undefined {
  if (items.length <= 1) return items[0];
  const i = Math.floor(rng.next() * items.length);
  let j = Math.floor(rng.next() * (items.length - 1));
  if (j >= i) j++;
  const a = items[i]!;
  const b = items[j]!;
  return cost(b) < cost(a) ? b : a;
}
