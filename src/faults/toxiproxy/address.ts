// Why: proxies listen on and forward to "host:port" strings from the API. meshbench only ever
// moves traffic over loopback unless the operator says otherwise, so addresses are parsed and
// checked in one place before any socket is opened.
import { ApiError } from './api-error.ts';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses "127.0.0.1:8080", "localhost:0" or "[::1]:80"; an empty host means all interfaces.
 * A `listen` the server cannot listen on is a 500, as toxiproxy-server's failed net.Listen is;
 * an `upstream` it cannot parse is a 400 (the real server takes any string and fails on connect,
 * but the loopback rule below needs the host).
 */
export function parseHostPort(value: string, field: string): HostPort {
  const match = /^(?:\[([^\]]*)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ApiError(field === 'listen' ? 500 : 400, `${field} must be host:port (e.g. 127.0.0.1:0), got ${JSON.stringify(value)}`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses and, unless non-loopback addresses are allowed, refuses anything off the machine. */
export function checkedAddress(value: string, field: string, allowNonLoopback: boolean): HostPort {
  const address = parseHostPort(value, field);
  if (!allowNonLoopback && !isLoopbackHost(address.host)) {
    throw new ApiError(
      400,
      `${field} ${JSON.stringify(value)} is not a loopback address: meshbench's bundled server only proxies over loopback (127.0.0.0/8, ::1, localhost); to allow other addresses start it with \`meshbench toxiproxy --allow-non-loopback\`, or use a real toxiproxy-server`,
    );
  }
  return address;
}
