// Why: the bundled server is started from two command lines — `meshbench toxiproxy` for people
// and the runner's child entry (main.ts) — and both must refuse a bad flag the same way.
import { isIP } from 'node:net';
import { badInput } from '../../core/errors.ts';
import type { ToxiproxyServerOptions } from './server.ts';

export interface ToxiproxyFlags {
  host?: string | undefined;
  port?: string | undefined;
  seed?: string | undefined;
  allowNonLoopback?: boolean | undefined;
}

function integerFlag(value: string | undefined, flag: string, fallback: number, max: number, example: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) {
    throw badInput('E_TOXIPROXY_FLAG', `--${flag} must be an integer from 0 to ${max}, got ${JSON.stringify(value.slice(0, 40))}`, `Example: --${flag} ${example}`);
  }
  return n;
}

/** Server options from flags; `defaultPort` is 8474 (toxiproxy's) for people, 0 for the runner. */
export function serverOptionsFromFlags(flags: ToxiproxyFlags, defaultPort: number): ToxiproxyServerOptions {
  const host = flags.host ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) {
    throw badInput('E_TOXIPROXY_FLAG', `--host must be an IP address or localhost, got ${JSON.stringify(host.slice(0, 80))}`, 'Example: --host 127.0.0.1');
  }
  return {
    host,
    port: integerFlag(flags.port, 'port', defaultPort, 65_535, '8474'),
    seed: integerFlag(flags.seed, 'seed', 1, 2 ** 32 - 1, '7'),
    allowNonLoopback: flags.allowNonLoopback ?? false,
  };
}
