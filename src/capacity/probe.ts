// Why: an open-loop ramp needs to know where to look. A closed-loop client (autocannon: each
// connection sends its next request when the last one is answered) pushes a system to its
// saturation throughput by construction, which bounds the rates worth offering. It measures
// throughput only — its latencies suffer coordinated omission — so the open-loop steps stay the
// measurement (DESIGN.md, decision 1).
import autocannon from 'autocannon';

export interface ProbeResult {
  connections: number;
  durationS: number;
  /** Successful responses per second after the first third (the loop filling up): saturation. */
  okRps: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

/**
 * Four times as many connections as the scaled service has pool slots: a closed loop saturates
 * only with more requests in flight than the system serves at once, and through a proxy each
 * request also spends its hops' time in flight (two connections per slot capped a meshed probe
 * at two thirds of the knee). Bounded for a small machine, and a multiple of the targets so each
 * gets the same share. The queue this builds is why only the last two thirds are counted.
 */
export function probeConnections(replicas: number, pool: number, targets: number): number {
  const wanted = Math.min(512, Math.max(16, 4 * replicas * pool));
  return Math.ceil(wanted / targets) * targets;
}

export async function probeSaturation(opts: {
  targets: string[];
  hostHeader: string | null;
  method: string;
  path: string;
  connections: number;
  durationS: number;
}): Promise<ProbeResult> {
  const startedAt = performance.now();
  // The loop fills up first (every connection's first request waits for a slot); count only
  // what completes after the first third.
  const countFromMs = startedAt + (opts.durationS * 1000) / 3;
  let counted = 0;
  const instance = autocannon({
    url: opts.targets.map((t) => new URL(opts.path, t).href),
    connections: opts.connections,
    duration: opts.durationS,
    timeout: 10,
    method: opts.method,
    headers: opts.hostHeader ? { host: opts.hostHeader } : {},
  });
  instance.on('response', (_client, status) => {
    if (status >= 200 && status < 300 && performance.now() >= countFromMs) counted++;
  });
  const result = await instance;
  const countedS = (performance.now() - countFromMs) / 1000;
  return {
    connections: opts.connections,
    durationS: result.duration,
    okRps: countedS > 0 ? counted / countedS : 0,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
