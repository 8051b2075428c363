// Why: in a pod the runner cannot reach a replica over IPC, so the replica serves what the
// embedded runner asks it over IPC — its counters and the simulated DB lock — over HTTP on an
// admin port of its own, apart from the measured traffic (like the proxy's admin port 9990).
// It binds to loopback unless told otherwise; pods bind it to the pod's address.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningService } from './synthetic-service.ts';

/** Default admin port of a synthetic service in a pod (the proxy's admin is 9990). */
export const SERVICE_ADMIN_PORT = 9991;

export interface ServiceAdmin {
  port: number;
  close(): Promise<void>;
}

function reply(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `ms` of POST /admin/db-lock?ms=N: a whole number of milliseconds, 1 to one hour. */
function lockMs(url: URL): number | null {
  const text = url.searchParams.get('ms');
  const ms = Number(text);
  return text !== null && Number.isInteger(ms) && ms >= 1 && ms <= 3_600_000 ? ms : null;
}

export function serveServiceAdmin(service: RunningService, host: string, port: number): Promise<ServiceAdmin> {
  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://admin');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /admin/counters.json') {
      reply(res, 200, 'application/json', JSON.stringify(service.counters()));
    } else if (route === 'POST /admin/db-lock') {
      const ms = lockMs(url);
      if (ms === null) return reply(res, 400, 'text/plain', `bad ms "${url.searchParams.get('ms') ?? ''}": use POST /admin/db-lock?ms=3000 (1 to 3600000)\n`);
      service.lockDb(ms);
      reply(res, 204, 'text/plain', '');
    } else if (route === 'GET /ready') {
      reply(res, 200, 'text/plain', 'ready\n');
    } else {
      reply(res, 404, 'text/plain', 'not found: try GET /admin/counters.json, POST /admin/db-lock?ms=N or GET /ready\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
