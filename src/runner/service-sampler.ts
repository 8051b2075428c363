// Why: retry amplification and queue growth are read from the services' own counters, not
// guessed: every second of the measured part the runner samples each service and turns the
// cumulative counters into per-window deltas aligned with the load generator's windows.
import type { ServiceSeries } from '../result/types.ts';
import type { ServiceCounters } from '../services/protocol.ts';

type Sample = Map<string, ServiceCounters>;

/** Turns cumulative samples taken at t = 0, 1, 2 … s into per-window series. */
export function toServiceSeries(samples: Sample[]): ServiceSeries[] {
  const names = new Set<string>();
  for (const s of samples) for (const name of s.keys()) names.add(name);
  return [...names].sort().map((service) => ({
    service,
    windows: samples.slice(1).map((now, i) => {
      const cur = now.get(service);
      const prev = samples[i]!.get(service);
      // A replica restarted by a fault starts its counters again from zero.
      const delta = (k: 'arrivals' | 'completed' | 'expired') => {
        const c = cur?.[k] ?? 0;
        const p = prev?.[k] ?? 0;
        return c >= p ? c - p : c;
      };
      return {
        t: i,
        arrivals: delta('arrivals'),
        completed: delta('completed'),
        expired: delta('expired'),
        inFlight: cur?.inFlight ?? 0,
        queueDepth: cur?.queueDepth ?? 0,
      };
    }),
  }));
}

/** Samples every `periodMs` from now until stopped; returns the samples taken. */
export function startSampling(sample: () => Promise<Sample>, periodMs = 1000): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  const t0 = performance.now();
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    inFlight = sample().then((s) => {
      samples.push(s);
    });
    k++;
    if (!stopped) timer = setTimeout(tick, Math.max(0, t0 + k * periodMs - performance.now()));
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      return samples;
    },
  };
}
