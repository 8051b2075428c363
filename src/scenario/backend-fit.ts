// Why: some settings only exist on one backend (a sidecar proxy, several load-generator pods,
// an installed Linkerd need a cluster; Kubernetes names are stricter than ours). The backend
// can be chosen in the file or with `run --backend`, so the check is one pure function that
// the parser (with line numbers) and the command-line overrides both apply.
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
    });
  }
  return out;
}
