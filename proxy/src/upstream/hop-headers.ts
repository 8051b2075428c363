// Why: hop-by-hop headers describe one connection and must not be forwarded (RFC 9110 §7.6.1);
// the proxy sets content-length itself (a held body's size, a streamed one's announced length)
// and owns the deadline header.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
]);

/** Copies `headers` without hop-by-hop ones (and those the Connection header names) or `drop`. */
export function forwardable(headers: IncomingHttpHeaders, drop?: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const named = connectionOptions(headers.connection);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name === drop || (named !== null && named.includes(name))) continue;
    out[name] = value;
  }
  return out;
}

/** Header names a Connection header lists beyond keep-alive/close (null: none, the usual case). */
function connectionOptions(connection: string | undefined): string[] | null {
  if (connection === undefined) return null;
  const lower = connection.toLowerCase();
  if (lower === 'keep-alive' || lower === 'close') return null;
  return lower.split(',').map((s) => s.trim());
}
