// Why: every L4 fault (latency, bandwidth, timeouts, resets …) goes through the Toxiproxy HTTP
// API with toxiproxy-node-client, so a user's real toxiproxy-server and meshbench's bundled one
// are driven identically. This module adds/removes one toxic as an ActiveFault, puts link
// proxies in front of replicas, and removes a run's proxies afterwards.
import { Toxiproxy, type ICreateToxicBody } from 'toxiproxy-node-client';
import { environmentError } from '../core/errors.ts';
import type { FaultSpec, FaultTarget, ToxicKind } from '../scenario/types.ts';
import { BUNDLED_VERSION_SUFFIX } from './toxiproxy/api.ts';
import type { ActiveFault } from './types.ts';

export type ToxicFaultSpec = Extract<FaultSpec, { kind: ToxicKind }>;

/** HTTP status of a failed toxiproxy-node-client call (it only says so in the message). */
function statusOf(err: unknown): number | null {
  const match = err instanceof Error ? /status code (\d{3})/.exec(err.message) : null;
  return match ? Number(match[1]) : null;
}

function apiFailure(url: string, doing: string, err: unknown): Error {
  const status = statusOf(err);
  const detail = err instanceof Error ? err.message : String(err);
  return environmentError(
    'E_TOXIPROXY',
    `toxiproxy at ${url}: ${doing} failed (${detail})`,
    status === null
      ? 'Is the toxiproxy-server running and reachable at that URL? Locally, omit --toxiproxy / `toxiproxy:` to use the bundled server; on the kubernetes backend the server is the arm\'s Toxiproxy pod — check that it is Running (`kubectl get pods -n <run namespace>`).'
      : 'Check that the server speaks the Toxiproxy 2.x API and that the proxy still exists (`meshbench clean` removes leftovers of killed runs).',
  );
}

/** A proxy name for one replica on one link: `meshbench-<runId>-<from>-<to>-<replica>`. */
export function linkProxyName(runId: string, from: string, to: string, replica: number): string {
  return `meshbench-${runId}-${from}-${to}-${replica}`;
}

function describeAttributes(kind: ToxicKind, a: Record<string, number>): string {
  const v = (name: string) => a[name] ?? 0;
  switch (kind) {
    case 'latency':
      return `${v('latency')}±${v('jitter')} ms`;
    case 'bandwidth':
      return `${v('rate')} KB/s`;
    case 'slow_close':
      return `close delayed ${v('delay')} ms`;
    case 'timeout':
      return v('timeout') > 0 ? `data stopped, closed after ${v('timeout')} ms` : 'data stopped, never closed';
    case 'reset_peer':
      return `RST ${v('timeout')} ms after first data`;
    case 'slicer':
      return `${v('average_size')}±${v('size_variation')} B slices, ${v('delay')} µs apart`;
    case 'limit_data':
      return `closed after ${v('bytes')} B`;
  }
}

function describeTarget(target: FaultTarget): string {
  if (target.kind === 'link') return `${target.from}->${target.to}`;
  return target.replica === null ? target.service : `${target.service}#${target.replica}`;
}

/** A toxic name unique per fault occurrence, safe in a URL path. */
function toxicName(fault: ToxicFaultSpec): string {
  const slug = fault.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `meshbench-${slug || fault.kind}-${fault.stream}-${fault.atMs}`;
}

/** Adds the fault's toxic to `proxyName`; stop() removes it (twice is fine, so is a 404). */
export async function startToxic(opts: { toxiproxyUrl: string; proxyName: string; fault: ToxicFaultSpec }): Promise<ActiveFault> {
  const { toxiproxyUrl: url, proxyName, fault } = opts;
  const client = new Toxiproxy(url);
  let version: string;
  try {
    version = await client.getVersion();
  } catch (err) {
    throw apiFailure(url, 'reading /version', err);
  }
  const body: ICreateToxicBody<Record<string, number>> = {
    name: toxicName(fault),
    type: fault.kind,
    stream: fault.stream,
    toxicity: fault.toxicity,
    attributes: fault.attributes,
  };
  let remove: () => Promise<void>;
  try {
    const proxy = await client.get(proxyName);
    const toxic = await proxy.addToxic(body);
    remove = () => toxic.remove();
  } catch (err) {
    throw apiFailure(url, `adding ${fault.kind} toxic ${body.name} to proxy ${proxyName}`, err);
  }

  const server = version.includes(BUNDLED_VERSION_SUFFIX) ? 'bundled server' : `toxiproxy-server at ${url}`;
  const share = fault.toxicity < 1 ? `, ${Math.round(fault.toxicity * 100)}% of connections` : '';
  const mechanism = `toxiproxy ${fault.kind} toxic ${describeAttributes(fault.kind, fault.attributes)} ${fault.stream}${share} on ${describeTarget(fault.target)} (${server})`;
  let stopping: Promise<void> | null = null;
  return {
    mechanism,
    stop() {
      stopping ??= remove().catch((err: unknown) => {
        if (statusOf(err) !== 404) throw apiFailure(url, `removing toxic ${body.name} from proxy ${proxyName}`, err);
      });
      return stopping;
    },
  };
}

/** Creates (or replaces) a proxy listening on `listen` (default 127.0.0.1:0) in front of `upstream`. */
export async function ensureLinkProxy(toxiproxyUrl: string, spec: { name: string; upstream: string; listen?: string }): Promise<{ listen: string }> {
  const client = new Toxiproxy(toxiproxyUrl);
  const create = () => client.createProxy({ name: spec.name, listen: spec.listen ?? '127.0.0.1:0', upstream: spec.upstream });
  try {
    return { listen: (await create()).listen };
  } catch (err) {
    if (statusOf(err) !== 409) throw apiFailure(toxiproxyUrl, `creating proxy ${spec.name}`, err);
  }
  try {
    await (await client.get(spec.name)).remove();
    return { listen: (await create()).listen };
  } catch (err) {
    throw apiFailure(toxiproxyUrl, `replacing proxy ${spec.name}`, err);
  }
}

/** Removes every proxy whose name starts with `prefix`; returns the names removed. */
export async function removeProxies(toxiproxyUrl: string, prefix: string): Promise<string[]> {
  const client = new Toxiproxy(toxiproxyUrl);
  let proxies: Awaited<ReturnType<Toxiproxy['getAll']>>;
  try {
    proxies = await client.getAll();
  } catch (err) {
    throw apiFailure(toxiproxyUrl, 'listing proxies', err);
  }
  const removed: string[] = [];
  for (const proxy of Object.values(proxies)) {
    if (!proxy.name.startsWith(prefix)) continue;
    try {
      await proxy.remove();
      removed.push(proxy.name);
    } catch (err) {
      if (statusOf(err) !== 404) throw apiFailure(toxiproxyUrl, `removing proxy ${proxy.name}`, err);
    }
  }
  return removed;
}
