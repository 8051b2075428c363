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
  const named = headers.connection ? headers.connection.toLowerCase().split(',').map((s) => s.trim()) : [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === drop || named.includes(name)) continue;
    out[name] = value;
  }
  return out;
}
