// Why: callers address services by name (`user-service:8080`), and not every cluster resolves
// names (the local cluster runs no DNS server). Once the run's Services exist, their ClusterIPs
// are known; writing them into every pod's /etc/hosts (hostAliases) makes names resolve the
// same way in any cluster, DNS or not.
import type { KubernetesObject, V1HostAlias, V1PodTemplateSpec, V1Service } from '@kubernetes/client-node';

/** name → ClusterIP of the Services among `objects` as the API server returned them. */
export function serviceAliases(services: KubernetesObject[]): V1HostAlias[] {
  return (services as V1Service[])
    .filter((s) => s.kind === 'Service' && s.spec?.clusterIP && s.spec.clusterIP !== 'None')
    .map((s) => ({ ip: s.spec!.clusterIP!, hostnames: [s.metadata!.name!] }));
}

/** The objects with `aliases` added to every pod template (Deployments, DaemonSets, Jobs). */
export function withHostAliases<T extends KubernetesObject>(objects: T[], aliases: V1HostAlias[]): T[] {
  if (aliases.length === 0) return objects;
  return objects.map((o) => {
    const template = (o as { spec?: { template?: V1PodTemplateSpec } }).spec?.template;
    if (!template?.spec) return o;
    const spec = { ...template.spec, hostAliases: [...(template.spec.hostAliases ?? []), ...aliases] };
    return { ...o, spec: { ...(o as unknown as { spec: object }).spec, template: { ...template, spec } } };
  });
}
