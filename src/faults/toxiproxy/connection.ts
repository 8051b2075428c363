// Why: a proxied connection is two sockets and two links (upstream: client → server,
// downstream: server → client) that live and die together: an error on either side, a toxic
// closing or resetting it, or the proxy being disabled ends both.
import net, { type Socket } from 'node:net';
import type { Clock } from '../../core/clock.ts';
import type { Rng } from '../../core/rng.ts';
import type { HostPort } from './address.ts';
import { Link } from './link.ts';
import type { ToxicCollection } from './toxic-collection.ts';
import { abortableSleep, type StageHost } from './toxic-stages.ts';

/** After a graceful close, how long a peer gets to finish before its socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

export interface ProxiedConnection {
  /** Drops both sockets at once (proxy disabled, deleted or server closing). */
  destroy(): void;
  readonly closed: Promise<void>;
}

export function proxyConnection(opts: {
  client: Socket;
  upstream: HostPort;
  toxics: ToxicCollection;
  rng: Rng;
  clock: Clock;
}): ProxiedConnection {
  const { client, toxics, rng, clock } = opts;
  const server = net.connect({ host: opts.upstream.host, port: opts.upstream.port, allowHalfOpen: true });
  const sockets = [client, server];
  let links: Link[] = [];
  const stopLinks = () => {
    for (const link of links) link.stop();
  };
  const destroy = () => {
    stopLinks();
    for (const s of sockets) s.destroy();
  };
  const host: StageHost = {
    now: () => clock.now(),
    sleep: abortableSleep,
    close() {
      stopLinks();
      for (const s of sockets) {
        s.resume(); // keep reading (and discarding) so the peer sees FIN, not RST
        s.end();
        setTimeout(() => s.destroy(), CLOSE_GRACE_MS).unref();
      }
    },
    reset() {
      stopLinks();
      for (const s of sockets) {
        if (s.destroyed) continue;
        try {
          s.resetAndDestroy();
        } catch {
          s.destroy(); // not connected yet: nothing to reset
        }
      }
    },
  };

  for (const s of sockets) {
    s.setNoDelay(true);
    s.on('error', destroy);
  }
  const closed = Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())))).then(
    stopLinks,
  );
  links = [
    new Link({ stream: 'upstream', toxics, rng, host, source: client, target: server }),
    new Link({ stream: 'downstream', toxics, rng, host, source: server, target: client }),
  ];
  return { destroy, closed };
}
