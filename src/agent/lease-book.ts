// Why: a chaos agent must never leave chaos behind when the runner that asked for it dies.
// Every fault the agent applies is held on a lease that the runner renews; a lease that runs
// out is lifted by the agent itself. The book is pure (time is an argument) so its rules are
// tested without waiting; the agent's server asks it which leases expired.
export interface Lease {
  id: string;
  /** Absolute time (ms) after which the fault is lifted unless renewed. */
  expiresAt: number;
}

export class LeaseBook {
  private readonly leases = new Map<string, Lease>();

  grant(id: string, ttlMs: number, now: number): Lease {
    const lease = { id, expiresAt: now + ttlMs };
    this.leases.set(id, lease);
    return lease;
  }

  /** Extends a live lease; null when it is unknown or already expired (the fault was lifted). */
  renew(id: string, ttlMs: number, now: number): Lease | null {
    const lease = this.leases.get(id);
    if (!lease || lease.expiresAt <= now) return null;
    lease.expiresAt = now + ttlMs;
    return lease;
  }

  release(id: string): boolean {
    return this.leases.delete(id);
  }

  /** Removes and returns every lease that has run out at `now`. */
  takeExpired(now: number): Lease[] {
    const expired = [...this.leases.values()].filter((l) => l.expiresAt <= now);
    for (const l of expired) this.leases.delete(l.id);
    return expired;
  }

  list(): Lease[] {
    return [...this.leases.values()];
  }
}
