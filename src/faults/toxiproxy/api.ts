// Why: the Toxiproxy HTTP API contract (routes, methods, status codes, JSON shapes) as one
// function from a request to a response, so it can be read in one screen and the HTTP edge
// only moves bytes.
import { ApiError } from './api-error.ts';
import type { ToxiProxy } from './proxy.ts';
import { parseProxyPatch, type ProxyRegistry } from './proxy-registry.ts';
import { toxicJson } from './toxic-spec.ts';

/** The toxiproxy-server release this API is contract-tested against (tools/toxiproxy/go.mod). */
export const TOXIPROXY_API_VERSION = '2.12.0';
/** Marks the bundled server in /version (semver build metadata, so version parsers accept it). */
export const BUNDLED_VERSION_SUFFIX = '+meshbench';
/** What /version reports, e.g. "2.12.0+meshbench"; toxic-fault tells the servers apart by it. */
export const BUNDLED_SERVER_VERSION = `${TOXIPROXY_API_VERSION}${BUNDLED_VERSION_SUFFIX}`;

export interface ApiResponse {
  status: number;
  body?: unknown;
  /** Sent as is with this content type instead of JSON-encoding `body`. */
  raw?: { text: string; contentType: string | null };
}

type Handler = (params: string[], body: () => Promise<unknown>) => Promise<ApiResponse>;

const ok = (body: unknown): ApiResponse => ({ status: 200, body });
const noContent: ApiResponse = { status: 204 };

export function apiRoutes(registry: ProxyRegistry): Array<{ path: RegExp; methods: Record<string, Handler> }> {
  const toxics = (proxy: string | undefined) => registry.get(proxy ?? '').toxics;
  return [
    {
      path: /^\/version$/,
      methods: {
        GET: async () => ({
          status: 200,
          raw: { text: `{"version": "${BUNDLED_SERVER_VERSION}"}\n`, contentType: 'application/json;charset=utf-8' },
        }),
      },
    },
    {
      path: /^\/reset$/,
      methods: {
        POST: async () => {
          await registry.reset();
          return noContent;
        },
      },
    },
    {
      path: /^\/proxies$/,
      methods: {
        GET: async () => ok(Object.fromEntries(registry.all().map((p) => [p.name, p.json()]))),
        POST: async (_, body) => ({ status: 201, body: (await registry.create(await body())).json() }),
      },
    },
    {
      path: /^\/populate$/,
      methods: { POST: async (_, body) => populate(registry, body) },
    },
    {
      path: /^\/proxies\/([^/]+)$/,
      methods: {
        GET: async ([name]) => ok(registry.get(name ?? '').json()),
        POST: async ([name], body) => updateProxy(registry, name ?? '', body),
        PATCH: async ([name], body) => updateProxy(registry, name ?? '', body),
        DELETE: async ([name]) => {
          await registry.remove(name ?? '');
          return noContent;
        },
      },
    },
    {
      path: /^\/proxies\/([^/]+)\/toxics$/,
      methods: {
        GET: async ([proxy]) => ok(toxics(proxy).list().map(toxicJson)),
        POST: async ([proxy], body) => {
          const collection = toxics(proxy);
          return ok(toxicJson(collection.add(await body())));
        },
      },
    },
    {
      path: /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
      methods: {
        GET: async ([proxy, toxic]) => ok(toxicJson(toxics(proxy).get(toxic ?? ''))),
        POST: async ([proxy, toxic], body) => updateToxic(registry, proxy, toxic, body),
        PATCH: async ([proxy, toxic], body) => updateToxic(registry, proxy, toxic, body),
        DELETE: async ([proxy, toxic]) => {
          toxics(proxy).remove(toxic ?? '');
          return noContent;
        },
      },
    },
  ];
}

/** As toxiproxy-server: the proxies made so far (null for none) beside any error, in one body. */
async function populate(registry: ProxyRegistry, body: () => Promise<unknown>): Promise<ApiResponse> {
  const made: ToxiProxy[] = [];
  const proxies = () => (made.length === 0 ? null : made.map((p) => p.json()));
  try {
    await registry.populate(await body(), made);
  } catch (err) {
    const status = err instanceof ApiError ? err.status : 500;
    const error = err instanceof Error ? err.message : String(err);
    return { status, body: { error, status, proxies: proxies() } };
  }
  return { status: 201, body: { proxies: proxies() } };
}

async function updateProxy(registry: ProxyRegistry, name: string, body: () => Promise<unknown>): Promise<ApiResponse> {
  const proxy = registry.get(name);
  await proxy.update(parseProxyPatch(await body()));
  return ok(proxy.json());
}

async function updateToxic(
  registry: ProxyRegistry,
  proxy: string | undefined,
  toxic: string | undefined,
  body: () => Promise<unknown>,
): Promise<ApiResponse> {
  const collection = registry.get(proxy ?? '').toxics;
  collection.get(toxic ?? ''); // an unknown toxic is a 404 even when the body is bad too
  return ok(toxicJson(collection.update(toxic ?? '', await body())));
}

const plain = (status: number, text: string): ApiResponse => ({ status, raw: { text, contentType: 'text/plain; charset=utf-8' } });

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Routes one request; `body` parses the request body as JSON only when a handler needs it. */
export async function handleApi(
  routes: ReturnType<typeof apiRoutes>,
  method: string,
  pathname: string,
  body: () => Promise<unknown>,
): Promise<ApiResponse> {
  // The edges answer as toxiproxy-server's Go router does: plain text, or nothing at all.
  const params = pathname.split('/').map(decodeSegment);
  if (params.includes(null)) return plain(400, '400 Bad Request');
  for (const route of routes) {
    const match = route.path.exec(pathname);
    if (!match) continue;
    const handler = route.methods[method];
    if (!handler) return { status: 405, raw: { text: '', contentType: null } };
    return handler(match.slice(1).map((segment) => decodeSegment(segment) ?? ''), body);
  }
  return plain(404, '404 page not found\n');
}

/** toxiproxy-server refuses browsers (a web page must not drive the API): 403, plain text. */
export const browserRefused: ApiResponse = plain(403, 'User agent not allowed\n');

/** An API error as toxiproxy-server writes it: JSON text, sent as text/plain by Go's http.Error. */
export function errorResponse(err: unknown): ApiResponse {
  const status = err instanceof ApiError ? err.status : 500;
  const error = err instanceof Error ? err.message : String(err);
  return plain(status, `${JSON.stringify({ error, status })}\n`);
}
