// Why: RFC 9112 says what a request line and its Host mean, and a proxy that routes by Host
// must follow it exactly or it can be steered: two Host headers, or an HTTP/1.1 request with
// none, are a 400 (§3.2); an absolute-form target (`GET http://user-service/x`) names the host
// and any Host header is ignored (§3.2.2); an HTTP/0.9 request line has no way to read a status
// line, so it gets no HTTP/1.1 answer — the connection is closed. Pure: the parsed request in,
// the destination out.

export type RequestTarget =
  | { kind: 'route'; host: string; path: string }
  | { kind: 'bad-request'; why: string }
  /** HTTP/0.9: close without a response (it would be read as a body). */
  | { kind: 'close' };

export interface RequestLine {
  httpVersionMajor: number;
  httpVersionMinor: number;
  url: string;
  /** Name, value, name, value … as received. */
  rawHeaders: readonly string[];
}

export function requestTarget(req: RequestLine): RequestTarget {
  if (req.httpVersionMajor === 0) return { kind: 'close' };
  const hosts = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i]!.toLowerCase() === 'host').length;
  const host = hostHeader(req.rawHeaders);
  if (hosts > 1) return { kind: 'bad-request', why: 'more than one Host header' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(req.url)) {
    let target: URL;
    try {
      target = new URL(req.url);
    } catch {
      return { kind: 'bad-request', why: 'an absolute-form target that is not a URL' };
    }
    if (target.protocol !== 'http:' || target.host === '') return { kind: 'bad-request', why: `an absolute-form target of scheme ${target.protocol}` };
    return { kind: 'route', host: target.host, path: `${target.pathname}${target.search}` };
  }
  if (!req.url.startsWith('/') && req.url !== '*') return { kind: 'bad-request', why: 'a request target that is neither a path nor a URL' };
  const http11 = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
  if (http11 && hosts === 0) return { kind: 'bad-request', why: 'an HTTP/1.1 request without a Host header' };
  return { kind: 'route', host: host ?? '', path: req.url };
}

function hostHeader(raw: readonly string[]): string | null {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'host') return raw[i + 1] ?? '';
  return null;
}
