// Why: the baseline the load-aware balancers are compared against: blind to load, so a slow
// endpoint keeps its full share.
export class RoundRobin {
  private next = 0;

  pick<T>(items: readonly T[]): T | undefined {
    if (items.length === 0) return undefined;
    return items[this.next++ % items.length];
  }
}
