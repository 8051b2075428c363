// Why: nodes are bought for CPU and memory, so the plan needs what a replica and the mesh proxy
// cost as a function of the load they carry. Each steady step (it met every SLO) is one
// measurement of (rate, CPU, RSS); a least-squares line through them separates what a process
// costs idle from what each request costs — the proxy's slope is the mesh tax per 1 000 rps.

export interface Line {
  intercept: number;
  slope: number;
}

/**
 * Least-squares line through the points, kept physical: a cost never falls with load (slope ≥ 0)
 * and nothing costs less than nothing idle (intercept ≥ 0, else the line goes through the origin).
 */
export function costLine(points: ReadonlyArray<{ x: number; y: number }>): Line {
  if (points.length === 0) return { intercept: 0, slope: 0 };
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  if (sxx === 0) return mx > 0 ? { intercept: 0, slope: Math.max(0, my / mx) } : { intercept: Math.max(0, my), slope: 0 };
  const slope = sxy / sxx;
  if (slope < 0) return { intercept: Math.max(0, my), slope: 0 };
  const intercept = my - slope * mx;
  if (intercept >= 0) return { intercept, slope };
  const sxxOrigin = points.reduce((s, p) => s + p.x * p.x, 0);
  return { intercept: 0, slope: points.reduce((s, p) => s + p.x * p.y, 0) / sxxOrigin };
}

/** One steady step's resource figures. */
export interface ResourceSample {
  replicas: number;
  /** Successful responses per second, all replicas together. */
  okRps: number;
  /** Mean CPU cores one replica of the scaled service used. */
  replicaCores: number;
  /** Largest RSS of one replica, MiB. */
  replicaRssMiB: number;
  /** The mesh proxy's CPU cores and RSS (meshed arm). */
  proxy: { cores: number; rssMiB: number } | null;
}

export interface ResourceModel {
  /** One replica of the scaled service, as a function of the rate it serves. */
  replica: { idleCores: number; coresPer1000Rps: number; rssMiB: number };
  /** The proxy, as a function of the client rate through it; null in the direct arm. */
  proxy: { idleCores: number; coresPer1000Rps: number; rssMiB: number; rssMiBPer1000Rps: number } | null;
  /** How many steady steps the lines were fitted to. */
  samples: number;
}

export function resourceModel(samples: readonly ResourceSample[]): ResourceModel | null {
  if (samples.length === 0) return null;
  const replicaCpu = costLine(samples.map((s) => ({ x: s.okRps / s.replicas, y: s.replicaCores })));
  const withProxy = samples.filter((s): s is ResourceSample & { proxy: NonNullable<ResourceSample['proxy']> } => s.proxy !== null);
  const proxyCpu = costLine(withProxy.map((s) => ({ x: s.okRps, y: s.proxy.cores })));
  const proxyRss = costLine(withProxy.map((s) => ({ x: s.okRps, y: s.proxy.rssMiB })));
  return {
    replica: {
      idleCores: replicaCpu.intercept,
      coresPer1000Rps: replicaCpu.slope * 1000,
      rssMiB: Math.max(...samples.map((s) => s.replicaRssMiB)),
    },
    proxy:
      withProxy.length === 0
        ? null
        : { idleCores: proxyCpu.intercept, coresPer1000Rps: proxyCpu.slope * 1000, rssMiB: proxyRss.intercept, rssMiBPer1000Rps: proxyRss.slope * 1000 },
    samples: samples.length,
  };
}

/** Cores and MiB a process costs at `rps` by a resource line. */
export function coresAt(model: { idleCores: number; coresPer1000Rps: number }, rps: number): number {
  return model.idleCores + (model.coresPer1000Rps * rps) / 1000;
}

export function proxyRssAt(model: { rssMiB: number; rssMiBPer1000Rps: number }, rps: number): number {
  return model.rssMiB + (model.rssMiBPer1000Rps * rps) / 1000;
}
