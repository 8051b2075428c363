// Why: one client must not be able to take the proxy from everyone else. A connection may carry
// at most `perConnection` requests at once (HTTP/1.1 pipelining: 10 000 GETs on one connection
// would otherwise all be worked on at once and eject every endpoint), and one client address at
// most `perClient` across its connections. Beyond either the request is refused at the edge
// (503) before any upstream work. Pure counting; the router server holds one instance.

export type Admit = 'ok' | 'pipeline-limit' | 'client-limit';

export interface ConnectionLimitsConfig {
  perConnection: number;
  perClient: number;
}

/** Requests one HTTP/1.1 connection may have in flight: clients that pipeline keep a handful. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 32;
/**
 * Requests one client address may have in flight. On loopback every caller (load generator and
 * services) is 127.0.0.1, so this is also the proxy's overall bound: 4 × the default maxPending,
 * and held to a memory budget by test/proxy/abuse.test.ts.
 */
export const MAX_IN_FLIGHT_PER_CLIENT = 4096;

export class ConnectionLimits<Conn extends object> {
  private readonly byConnection = new WeakMap<Conn, number>();
  private readonly byClient = new Map<string, number>();

  constructor(private readonly config: ConnectionLimitsConfig = { perConnection: MAX_IN_FLIGHT_PER_CONNECTION, perClient: MAX_IN_FLIGHT_PER_CLIENT }) {}

  /** Counts the request in when it may proceed; a refused request is not counted. */
  enter(connection: Conn, client: string): Admit {
    const onConnection = this.byConnection.get(connection) ?? 0;
    const ofClient = this.byClient.get(client) ?? 0;
    if (onConnection >= this.config.perConnection) return 'pipeline-limit';
    if (ofClient >= this.config.perClient) return 'client-limit';
    this.byConnection.set(connection, onConnection + 1);
    this.byClient.set(client, ofClient + 1);
    return 'ok';
  }

  leave(connection: Conn, client: string): void {
    this.byConnection.set(connection, Math.max(0, (this.byConnection.get(connection) ?? 1) - 1));
    const left = (this.byClient.get(client) ?? 1) - 1;
    if (left > 0) this.byClient.set(client, left);
    else this.byClient.delete(client);
  }

  inFlight(client: string): number {
    return this.byClient.get(client) ?? 0;
  }
}
