// Why: an open-loop ramp needs to know where to look. A closed-loop client (autocannon: each
// connection sends its next request when the last one is answered) pushes a system to its
// saturation throughput by construction, which bounds the rates worth offering. It measures
// throughput only — its latencies suffer coordinated omission — so the open-loop steps stay the
// measurement (DESIGN.md, decision 1).
import autocannon from 'autocannon';

export interface ProbeResult {
  connections: number;
  durationS: number;
  /** Successful responses per second: the saturation throughput. */
  okRps: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

/**
 * Enough connections to keep every pool slot of the scaled service busy several times over (a
 * closed loop saturates only with more requests in flight than the system serves at once),
 * bounded for a small machine, and a multiple of the targets so each gets the same share.
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
  const result = await autocannon({
    url: opts.targets.map((t) => new URL(opts.path, t).href),
    connections: opts.connections,
    duration: opts.durationS,
    timeout: 10,
    method: opts.method,
    headers: opts.hostHeader ? { host: opts.hostHeader } : {},
  });
  return {
    connections: opts.connections,
    durationS: result.duration,
    okRps: result.duration > 0 ? result['2xx'] / result.duration : 0,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
