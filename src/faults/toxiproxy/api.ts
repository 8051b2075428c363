// Why: the Toxiproxy HTTP API contract (routes, methods, status codes, JSON shapes) as one
// function from a request to a response, so it can be read in one screen and the HTTP edge
// only moves bytes.
import { ApiError } from './api-error.ts';
import { parseProxyPatch, type ProxyRegistry } from './proxy-registry.ts';
import { toxicJson } from './toxic-spec.ts';

/** What /version reports; toxic-fault uses it to tell the bundled server from a real one. */
export const BUNDLED_SERVER_VERSION = 'meshbench-bundled';

export interface ApiResponse {
  status: number;
  body?: unknown;
}

type Handler = (params: string[], body: () => Promise<unknown>) => Promise<ApiResponse>;

const ok = (body: unknown): ApiResponse => ({ status: 200, body });
const noContent: ApiResponse = { status: 204 };

export function apiRoutes(registry: ProxyRegistry): Array<{ path: RegExp; methods: Record<string, Handler> }> {
  const toxics = (proxy: string | undefined) => registry.get(proxy ?? '').toxics;
  return [
    { path: /^\/version$/, methods: { GET: async () => ok({ version: BUNDLED_SERVER_VERSION }) } },
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
      methods: { POST: async (_, body) => ({ status: 201, body: { proxies: (await registry.populate(await body())).map((p) => p.json()) } }) },
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

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, `malformed path segment ${JSON.stringify(segment)}`);
  }
}

/** Routes one request; `body` parses the request body as JSON only when a handler needs it. */
export async function handleApi(
  routes: ReturnType<typeof apiRoutes>,
  method: string,
  pathname: string,
  body: () => Promise<unknown>,
): Promise<ApiResponse> {
  for (const route of routes) {
    const match = route.path.exec(pathname);
    if (!match) continue;
    const handler = route.methods[method];
    if (!handler) throw new ApiError(405, `method ${method} not allowed on ${pathname}`);
    return handler(match.slice(1).map(decodeSegment), body);
  }
  throw new ApiError(404, `no such endpoint: ${pathname}`);
}
