// Why: the one thing that differs between arms inside a pod is whom a caller talks to, and
// with which retry policy: direct — the callee's Service, with the app's naive retries; meshed
// with the bundled proxy — the node's proxy at status.hostIP (DaemonSet) or the pod's own
// (sidecar), retries off; meshed with linkerd/istio — the callee's Service (the injected proxy
// intercepts), retries off.
import type { V1EnvVar } from '@kubernetes/client-node';
import type { ArmName, Scenario, ServiceSpec } from '../../../scenario/types.ts';
import { NO_APP_RETRIES, type DownstreamConfig } from '../../../services/protocol.ts';
import { proxyPorts, SERVICE_PORT } from './ports.ts';
import { linkAddress, linkOf } from './toxiproxy.ts';

/** Env var holding the node's IP (downward API status.hostIP); `$(HOST_IP)` expands to it. */
export const HOST_IP_ENV = 'HOST_IP';

/** The env var of a pod that reaches its node's proxy: the node's IP, from the downward API. */
export function hostIpEnv(): V1EnvVar {
  return { name: HOST_IP_ENV, valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } };
}

/** host:port of a service's replicas as seen from a pod: its Service, or an external URL's. */
export function serviceAddress(spec: ServiceSpec): string {
  if (!spec.external) return `${spec.name}:${SERVICE_PORT}`;
  const url = new URL(spec.external);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
}

/** Whether callers in this arm go through the bundled proxy (and so need its address). */
export function throughBundledProxy(scenario: Scenario, arm: ArmName): boolean {
  return arm === 'meshed' && scenario.meshDeployment.provider === 'bundled';
}

/** The bundled proxy's address as a pod reaches it: its node's (DaemonSet) or its own (sidecar). */
export function proxyAddress(scenario: Scenario): string {
  const host = scenario.meshDeployment.deploy === 'sidecar' ? '127.0.0.1' : `$(${HOST_IP_ENV})`;
  return `${host}:${proxyPorts(scenario.mesh).router}`;
}

/** Whom the app calls for each callee: the proxy, or the callee's Service — or, on a link a
 * toxic targets and no bundled proxy carries, the link's Toxiproxy listener. */
export function downstreamsOf(scenario: Scenario, arm: ArmName, spec: ServiceSpec): DownstreamConfig[] {
  const byName = new Map(scenario.topology.services.map((s) => [s.name, s]));
  const direct = (callee: string) => {
    const link = linkOf(scenario, spec.name, callee);
    return link ? linkAddress(link) : serviceAddress(byName.get(callee)!);
  };
  return spec.calls.map((call) => ({
    service: call.service,
    targets: [throughBundledProxy(scenario, arm) ? proxyAddress(scenario) : direct(call.service)],
    hostHeader: call.service,
    retry: arm === 'direct' ? call.retry : NO_APP_RETRIES,
  }));
}
