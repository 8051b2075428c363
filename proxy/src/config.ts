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
  /** Per destination: finished requests, the attempts they sent, and how many sent any. */
  destinations: Record<string, DestinationCounts>;
}

export interface DestinationCounts {
  requests: number;
  attempts: number;
  attempted: number;
}
