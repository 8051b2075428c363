// Why: the contract between the runner and the proxy process: the scenario's mesh settings plus
// endpoints per destination — static (from the topology the embedded runner started) or, in a
// cluster, discovered from EndpointSlices.
import type { MeshConfig } from '../../src/scenario/types.ts';

export interface EndpointConfig {
  /** "127.0.0.1:port" */
  address: string;
  labels: Record<string, string>;
}

export interface ProxyConfig {
  mesh: MeshConfig;
  /** Every destination the proxy routes to, with its static endpoints (empty for discovered ones). */
  destinations: Record<string, { endpoints: EndpointConfig[] }>;
  /** Where the endpoints of some destinations come from at run time; absent = all static. */
  discovery?: KubernetesDiscoveryConfig;
}

/** Endpoints from the EndpointSlices of one namespace, zones from the Nodes. */
export interface KubernetesDiscoveryConfig {
  kind: 'kubernetes';
  namespace: string;
  /** The destinations (= Service names) whose endpoints are discovered; the rest stay static. */
  services: string[];
  /** Name of the Service port requests go to. */
  portName: string;
  /** kubeconfig file; absent = in a pod, its service account (else the usual lookup). */
  kubeconfig?: string;
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

/** GET /admin/stats.json: ProxyStats with the proxy's own process usage, and its node in a cluster. */
export interface ProxyStatsDocument extends ProxyStats {
  /** The Kubernetes node the proxy runs on (NODE_NAME from the downward API); null elsewhere. */
  node: string | null;
}
