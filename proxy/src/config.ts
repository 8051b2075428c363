// Why: the contract between the runner and the proxy process: the scenario's mesh settings plus
// static endpoints per destination (discovered from the topology the runner started).
import type { MeshConfig } from '../../src/scenario/types.ts';

export interface EndpointConfig {
  /** "127.0.0.1:port" */
  address: string;
  labels: Record<string, string>;
}

export interface ProxyConfig {
  mesh: MeshConfig;
  destinations: Record<string, { endpoints: EndpointConfig[] }>;
}

export interface ProxyStats {
  counters: Record<string, number>;
  audit: Array<{ route: string; zone: string; requests: number }>;
}

/** GET /admin/stats.json: ProxyStats with the proxy's own process usage, and its node in a cluster. */
export interface ProxyStatsDocument extends ProxyStats {
  /** The Kubernetes node the proxy runs on (NODE_NAME from the downward API); null elsewhere. */
  node: string | null;
}
