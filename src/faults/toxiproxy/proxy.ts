// Why: one named Toxiproxy proxy — a TCP listener that forwards every accepted connection to
// its upstream through the proxy's toxics. Disabling it closes the listener and every open
// connection (clients get "connection refused"); enabling listens again on the same address.
import net, { type Server } from 'node:net';
import { once } from 'node:events';
import type { Clock } from '../../core/clock.ts';
import { deriveSeed, seededRng } from '../../core/rng.ts';
import { checkedAddress, formatHostPort, type HostPort } from './address.ts';
import { ApiError } from './api-error.ts';
import { proxyConnection, type ProxiedConnection } from './connection.ts';
import { ToxicCollection } from './toxic-collection.ts';
import { toxicJson, type ToxicSpec } from './toxic-spec.ts';

export interface ProxyEnv {
  seed: number;
  clock: Clock;
  allowNonLoopback: boolean;
}

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicSpec[];
}

export class ToxiProxy {
  readonly toxics = new ToxicCollection();
  private listener: Server | null = null;
  private readonly connections = new Set<ProxiedConnection>();
  private accepted = 0;
  private upstreamAddress: HostPort;

  /** Use `ToxiProxy.open`, which validates the addresses and starts listening when enabled. */
  private constructor(
    readonly name: string,
    private listenAddress: string,
    private upstream: string,
    private readonly env: ProxyEnv,
  ) {
    this.upstreamAddress = checkedAddress(upstream, 'upstream', env.allowNonLoopback);
    checkedAddress(listenAddress, 'listen', env.allowNonLoopback);
  }

  static async open(spec: { name: string; listen: string; upstream: string; enabled: boolean }, env: ProxyEnv): Promise<ToxiProxy> {
    const proxy = new ToxiProxy(spec.name, spec.listen || '127.0.0.1:0', spec.upstream, env);
    if (spec.enabled) await proxy.start();
    return proxy;
  }

  get enabled(): boolean {
    return this.listener !== null;
  }

  get listen(): string {
    return this.listenAddress;
  }

  json(): ProxyJson {
    return { name: this.name, listen: this.listenAddress, upstream: this.upstream, enabled: this.enabled, toxics: this.toxics.list().map(toxicJson) };
  }

  /** Applies a partial `{listen, upstream, enabled}`; a changed address restarts the listener. */
  async update(patch: { listen?: string; upstream?: string; enabled?: boolean }): Promise<void> {
    const listen = patch.listen ?? this.listenAddress;
    const upstream = patch.upstream ?? this.upstream;
    const enabled = patch.enabled ?? this.enabled;
    if (listen !== this.listenAddress || upstream !== this.upstream) {
      const upstreamAddress = checkedAddress(upstream, 'upstream', this.env.allowNonLoopback);
      checkedAddress(listen, 'listen', this.env.allowNonLoopback);
      await this.stop();
      this.listenAddress = listen;
      this.upstream = upstream;
      this.upstreamAddress = upstreamAddress;
    }
    if (enabled && !this.enabled) await this.start();
    if (!enabled && this.enabled) await this.stop();
  }

  async start(): Promise<void> {
    if (this.listener) return;
    const address = checkedAddress(this.listenAddress, 'listen', this.env.allowNonLoopback);
    const listener = net.createServer({ allowHalfOpen: true }, (client) => this.accept(client));
    try {
      listener.listen(address.port, address.host || undefined);
      await once(listener, 'listening');
    } catch (err) {
      throw new ApiError(500, `listen ${this.listenAddress}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const bound = listener.address() as net.AddressInfo;
    this.listenAddress = formatHostPort({ host: address.host || bound.address, port: bound.port });
    this.listener = listener;
  }

  /** Stops listening and drops every open connection. */
  async stop(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    this.listener = null;
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    for (const conn of this.connections) conn.destroy();
    await closed;
  }

  private accept(client: net.Socket): void {
    const rng = seededRng(deriveSeed(this.env.seed, `${this.name}#${this.accepted++}`));
    const conn = proxyConnection({ client, upstream: this.upstreamAddress, toxics: this.toxics, rng, clock: this.env.clock });
    this.connections.add(conn);
    void conn.closed.then(() => this.connections.delete(conn));
  }
}
