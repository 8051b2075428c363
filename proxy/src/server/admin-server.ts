// Why: operators and Prometheus look at the proxy here (Linkerd's admin port): /metrics in
// Prometheus text, /admin/state.json with live balancer/breaker/budget state, /ready. A runner
// that cannot reach the proxy over IPC (the proxy in a pod) reads /admin/stats.json: the same
// counters and policy audit the embedded runner receives over IPC, plus the proxy's own RSS and
// CPU time.
import http from 'node:http';

export interface AdminViews {
  /** False while endpoint discovery has not synced: /ready answers 503 then. */
  ready(): boolean;
  metrics(): string;
  state(): unknown;
  stats(): unknown;
}

export function createAdminServer(views: AdminViews): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(views.metrics());
    } else if (path === '/admin/state.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(views.state(), null, 2));
    } else if (path === '/admin/stats.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(views.stats()));
    } else if (path === '/ready') {
      const ready = views.ready();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ready ? 'ready\n' : 'discovering endpoints\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics, /admin/state.json, /admin/stats.json or /ready\n');
    }
  });
}
