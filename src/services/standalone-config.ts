// Why: in a pod a replica has no runner on an IPC channel to hand it its ServiceConfig; it
// reads it from the environment the manifest sets, and says exactly what is wrong when that is
// malformed (a pod's log is the only place the message is seen).
import { badInput } from '../core/errors.ts';
import { SERVICE_ADMIN_PORT } from './admin-server.ts';
import type { ServiceConfig } from './protocol.ts';

export const CONFIG_ENV = 'MESHBENCH_SERVICE_CONFIG';
/** The port a replica serves on in a pod (its Service's `http` port). */
export const POD_SERVICE_PORT = 8080;
export const ADMIN_HOST_ENV = 'MESHBENCH_ADMIN_HOST';
export const ADMIN_PORT_ENV = 'MESHBENCH_ADMIN_PORT';

export interface StandaloneConfig {
  service: ServiceConfig;
  admin: { host: string; port: number };
}

const HINT = `set ${CONFIG_ENV} to the ServiceConfig JSON the meshbench manifests generate`;

function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65_535;
}

export function readStandaloneConfig(env: NodeJS.ProcessEnv): StandaloneConfig {
  const text = env[CONFIG_ENV];
  if (text === undefined || text === '') throw badInput('E_SERVICE_CONFIG', `${CONFIG_ENV} is not set`, HINT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badInput('E_SERVICE_CONFIG', `${CONFIG_ENV} is not JSON: ${(err as Error).message}`, HINT);
  }
  const c = parsed as Partial<ServiceConfig> | null;
  const missing = (
    [
      ['name', typeof c?.name === 'string' && c.name !== ''],
      ['replica', Number.isInteger(c?.replica)],
      ['host', typeof c?.host === 'string'],
      ['port', isPort(c?.port)],
      ['serviceTime', typeof c?.serviceTime === 'object' && c.serviceTime !== null],
      ['pool', Number.isInteger(c?.pool) && (c?.pool ?? 0) >= 1],
      ['responseBytes', Number.isInteger(c?.responseBytes)],
      ['seed', Number.isInteger(c?.seed)],
      ['calls', Array.isArray(c?.calls)],
    ] as const
  )
    .filter(([, ok]) => !ok)
    .map(([field]) => field);
  if (missing.length > 0) throw badInput('E_SERVICE_CONFIG', `${CONFIG_ENV}: missing or invalid ${missing.join(', ')}`, HINT);

  const adminPort = env[ADMIN_PORT_ENV] === undefined ? SERVICE_ADMIN_PORT : Number(env[ADMIN_PORT_ENV]);
  if (!isPort(adminPort)) throw badInput('E_SERVICE_CONFIG', `${ADMIN_PORT_ENV} "${env[ADMIN_PORT_ENV]}" is not a TCP port`, 'a port 0–65535 (0 = any free port)');
  return { service: c as ServiceConfig, admin: { host: env[ADMIN_HOST_ENV] || '127.0.0.1', port: adminPort } };
}
