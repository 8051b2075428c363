// Why: the server's set of named proxies and the operations on the set as a whole — create,
// delete, populate (create-or-replace many, validated before anything changes) and reset —
// with toxiproxy-server's rules for names, required fields and conflicts.
import { checkedAddress } from './address.ts';
import { badRequest, missingField, proxyExists, proxyNotFound } from './api-error.ts';
import { ToxiProxy, type ProxyEnv } from './proxy.ts';

export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

function optionalString(json: Record<string, unknown>, field: string): string {
  const value = json[field];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`);
  return value;
}

/** A proxy definition from JSON; `enabled` defaults to true, `listen` to 127.0.0.1:0. */
export function parseProxySpec(body: unknown, where = ''): ProxySpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`expected a JSON object${where}`);
  const json = body as Record<string, unknown>;
  const name = optionalString(json, 'name');
  const upstream = optionalString(json, 'upstream');
  if (!name) throw missingField(`name${where}`);
  if (!upstream) throw missingField(`upstream${where}`);
  if (json.enabled !== undefined && typeof json.enabled !== 'boolean') throw badRequest('enabled must be true or false');
  return { name, upstream, listen: optionalString(json, 'listen') || '127.0.0.1:0', enabled: json.enabled ?? true };
}

/** A partial update of `{listen, upstream, enabled}`. */
export function parseProxyPatch(body: unknown): { listen?: string; upstream?: string; enabled?: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('expected a JSON object');
  const json = body as Record<string, unknown>;
  if (json.enabled !== undefined && typeof json.enabled !== 'boolean') throw badRequest('enabled must be true or false');
  const listen = optionalString(json, 'listen') || undefined;
  const upstream = optionalString(json, 'upstream') || undefined;
  return { listen, upstream, enabled: json.enabled as boolean | undefined };
}

export class ProxyRegistry {
  private readonly proxies = new Map<string, ToxiProxy>();

  constructor(private readonly env: ProxyEnv) {}

  all(): ToxiProxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): ToxiProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  async create(body: unknown): Promise<ToxiProxy> {
    const spec = parseProxySpec(body);
    if (this.proxies.has(spec.name)) throw proxyExists();
    const proxy = await ToxiProxy.open(spec, this.env);
    if (this.proxies.has(spec.name)) {
      // Another request created the same name while this one was binding its port.
      await proxy.stop();
      throw proxyExists();
    }
    this.proxies.set(spec.name, proxy);
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /**
   * Creates or replaces each proxy in order, as toxiproxy-server does: one with the same name,
   * listen and upstream is kept as is, a later entry with a taken name replaces the earlier one.
   * Required fields and the loopback rule are checked for all before anything changes; each
   * proxy made is pushed to `made` (the API reports them beside an error part-way through).
   */
  async populate(body: unknown, made: ToxiProxy[] = []): Promise<ToxiProxy[]> {
    if (!Array.isArray(body)) throw badRequest('expected a JSON array of proxies');
    const specs = body.map((item, i) => parseProxySpec(item, ` at proxy ${i + 1}`));
    for (const spec of specs) {
      checkedAddress(spec.upstream, 'upstream', this.env.allowNonLoopback);
      checkedAddress(spec.listen, 'listen', this.env.allowNonLoopback);
    }
    for (const spec of specs) {
      const existing = this.proxies.get(spec.name);
      const same = existing && existing.listen === spec.listen && existing.json().upstream === spec.upstream;
      if (existing && same) {
        made.push(existing);
        continue;
      }
      if (existing) await this.remove(spec.name);
      made.push(await this.create(spec));
    }
    return made;
  }

  /** Enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      await proxy.start();
      proxy.toxics.clear();
    }
  }

  async closeAll(): Promise<void> {
    const proxies = this.all();
    this.proxies.clear();
    await Promise.all(proxies.map((p) => p.stop()));
  }
}
