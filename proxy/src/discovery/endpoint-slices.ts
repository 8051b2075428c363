// Why: in a cluster the proxy's endpoints are what Kubernetes says they are. This is the pure
// half of discovery: the EndpointSlices of the run's namespace and the cluster's Nodes in, one
// endpoint set per destination out — ready endpoints only, each labelled with its zone so
// policy routes (`sensitive-norway` → zone no) act on real node zones. The informers that keep
// the inputs current are in kubernetes-discovery.ts; everything decided is decided here.
import type { V1EndpointSlice, V1Node } from '@kubernetes/client-node';
import type { EndpointConfig } from '../config.ts';

/** The label an EndpointSlice carries naming its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The well-known node label of a node's zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface SliceSelection {
  /** Destinations (Service names) the proxy routes to; slices of other Services are ignored. */
  services: readonly string[];
  /** Name of the Service port requests go to; a slice with one unnamed port uses that port. */
  portName: string;
}

/** host:port, with IPv6 addresses in brackets. */
function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function slicePort(slice: V1EndpointSlice, portName: string): number | null {
  const ports = slice.ports ?? [];
  const named = ports.find((p) => p.name === portName);
  const only = ports.length === 1 && !ports[0]!.name ? ports[0] : undefined;
  return (named ?? only)?.port ?? null;
}

/**
 * Endpoint set per destination: every selected service is present (empty when it has no ready
 * endpoint), addresses are unique per service and sorted, and `labels.zone` is the endpoint's
 * own zone, else its node's zone label, else absent.
 */
export function endpointsFromSlices(
  slices: readonly V1EndpointSlice[],
  nodes: readonly V1Node[],
  selection: SliceSelection,
): Map<string, EndpointConfig[]> {
  const nodeZones = new Map<string, string>();
  for (const node of nodes) {
    const zone = node.metadata?.labels?.[ZONE_LABEL];
    if (node.metadata?.name && zone) nodeZones.set(node.metadata.name, zone);
  }
  const byService = new Map<string, Map<string, EndpointConfig>>(selection.services.map((s) => [s, new Map()]));
  for (const slice of slices) {
    const endpoints = byService.get(slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? '');
    if (!endpoints || (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6')) continue;
    const port = slicePort(slice, selection.portName);
    if (port === null) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // The API says a missing `ready` means ready.
      if (endpoint.conditions?.ready === false || endpoint.addresses.length === 0) continue;
      const address = hostPort(endpoint.addresses[0]!, port);
      if (endpoints.has(address)) continue;
      const zone = endpoint.zone ?? (endpoint.nodeName ? nodeZones.get(endpoint.nodeName) : undefined);
      endpoints.set(address, { address, labels: zone ? { zone } : {} });
    }
  }
  return new Map(
    [...byService].map(([service, endpoints]) => [service, [...endpoints.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))]),
  );
}
