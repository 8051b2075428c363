// Why: some settings only exist on one backend (a sidecar proxy, several load-generator pods,
// an installed Linkerd need a cluster; Kubernetes names are stricter than ours). The backend
// can be chosen in the file or with `run --backend`, so the check is one pure function that
// the parser (with line numbers) and the command-line overrides both apply.
import { SERVICE_ADMIN_PORT } from '../services/admin-server.ts';
import { POD_SERVICE_PORT } from '../services/standalone-config.ts';
import { DEFAULT_MESH } from './defaults.ts';
import type { Scenario } from './types.ts';

export interface BackendConflict {
  /** Keys from the document root to the offending value, to find its line. */
  keyPath: Array<string | number>;
  path: string;
  message: string;
  hint: string;
}

/** Kubernetes Service names are DNS-1035 labels: they must start with a letter. */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Zones are node label values. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function backendConflicts(s: Scenario): BackendConflict[] {
  const out: BackendConflict[] = [];
  if (s.backend.kind === 'embedded') {
    const { provider, deploy } = s.meshDeployment;
    if (provider !== 'bundled') {
      out.push({ keyPath: ['mesh', 'provider'], path: 'mesh.provider', message: `${provider} needs backend kubernetes: the embedded backend runs only the bundled proxy`, hint: 'run with --backend kubernetes (a cluster where it is installed), or remove mesh.provider' });
    }
    if (deploy === 'sidecar') {
      out.push({ keyPath: ['mesh', 'deploy'], path: 'mesh.deploy', message: 'sidecar needs backend kubernetes: the embedded backend runs one proxy process for every service', hint: 'run with --backend kubernetes, or remove mesh.deploy' });
    }
    if (s.load.generators > 1) {
      out.push({ keyPath: ['load', 'generators'], path: 'load.generators', message: `${s.load.generators} generators need backend kubernetes: the embedded backend runs one generator process`, hint: 'run with --backend kubernetes, or remove load.generators' });
    }
  } else {
    s.topology.services.forEach((svc, i) => {
      if (svc.name !== '' && !SERVICE_NAME.test(svc.name)) {
        out.push({ keyPath: ['topology', 'services', i, 'name'], path: `topology.services[${i}].name`, message: `"${svc.name}" cannot be a Kubernetes Service name: it must start with a letter`, hint: `rename it, e.g. svc-${svc.name}` });
      }
      svc.zones?.forEach((zone, z) => {
        if (!LABEL_VALUE.test(zone)) {
          out.push({ keyPath: ['topology', 'services', i, 'zones', z], path: `topology.services[${i}].zones[${z}]`, message: `"${zone}" cannot be a node's zone label value`, hint: 'use at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, e.g. eu-north-1a' });
        }
      });
    });
    out.push(...podPortConflicts(s));
  }
  return out;
}

/** In a pod the proxy cannot take "any free port", and a sidecar shares the app's ports. */
function podPortConflicts(s: Scenario): BackendConflict[] {
  const router = s.mesh.port || DEFAULT_MESH.port;
  const admin = s.mesh.adminPort || DEFAULT_MESH.adminPort;
  const key = s.mesh.port === 0 ? 'adminPort' : 'port';
  if (router === admin) {
    return [{ keyPath: ['mesh', key], path: `mesh.${key}`, message: `in a pod the proxy's router and admin would both use port ${router} (0 means ${DEFAULT_MESH.port} for the router and ${DEFAULT_MESH.adminPort} for the admin there)`, hint: 'give mesh.port and mesh.adminPort different non-zero ports' }];
  }
  if (s.meshDeployment.deploy !== 'sidecar') return [];
  const taken = [POD_SERVICE_PORT, SERVICE_ADMIN_PORT];
  return (['port', 'adminPort'] as const)
    .filter((k) => taken.includes(k === 'port' ? router : admin))
    .map((k) => ({ keyPath: ['mesh', k], path: `mesh.${k}`, message: `a sidecar proxy on port ${k === 'port' ? router : admin} would share it with the service in its pod (${POD_SERVICE_PORT} and ${SERVICE_ADMIN_PORT} are the service's)`, hint: `use another port, e.g. the defaults ${DEFAULT_MESH.port}/${DEFAULT_MESH.adminPort}` }));
}
