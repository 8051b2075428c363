// Why: the ports pods listen on are fixed by convention in a cluster (there is no "any free
// port" across a Service): synthetic services on 8080 (`http`) with their admin on 9991, the
// proxy on the scenario's ports or Linkerd's 4140/9990.
import { DEFAULT_MESH } from '../../../scenario/defaults.ts';
import type { MeshConfig } from '../../../scenario/types.ts';
import { SERVICE_ADMIN_PORT } from '../../../services/admin-server.ts';
import { POD_SERVICE_PORT } from '../../../services/standalone-config.ts';

export const SERVICE_PORT = POD_SERVICE_PORT;
export const SERVICE_PORT_NAME = 'http';
export { SERVICE_ADMIN_PORT };

/** The proxy's router and admin ports in a pod: the scenario's, or 4140/9990 where it says 0. */
export function proxyPorts(mesh: MeshConfig): { router: number; admin: number } {
  return { router: mesh.port || DEFAULT_MESH.port, admin: mesh.adminPort || DEFAULT_MESH.adminPort };
}
