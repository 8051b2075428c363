// Why: retry amplification and queue growth are read from the services' own counters, not
// guessed: every second of the measured part the runner samples each service and turns the
// cumulative counters into per-window deltas aligned with the load generator's windows.
import type { ServiceSeries } from '../result/types.ts';
import type { ServiceCounters } from '../services/protocol.ts';

type Sample = Map<string, ServiceCounters>;
type WindowCounts = Omit<ServiceSeries['windows'][number], 't'>;
const noCounts = (): WindowCounts => ({ arrivals: 0, completed: 0, expired: 0, inFlight: 0, queueDepth: 0 });

/** The service a sample key names: keys are `service` or one replica's `service#index`. */
function serviceOf(key: string): string {
  const hash = key.lastIndexOf('#');
  return hash < 0 ? key : key.slice(0, hash);
}

/** Turns cumulative samples taken at t = 0, 1, 2 … s, keyed per replica, into per-window
 * series per service. Deltas are taken per replica before summing: a killed replica missing
 * from a sample must not make its service's sum drop and then read as a counter reset. */
export function toServiceSeries(samples: Sample[]): ServiceSeries[] {
  const names = new Set<string>();
  for (const s of samples) for (const key of s.keys()) names.add(serviceOf(key));
  // What each replica last reported; a replica absent from a sample (killed, or slow to
  // answer) counts nothing then and is compared with this when it is back.
  const last = new Map<string, ServiceCounters>(samples[0] ?? []);
  const windows = samples.slice(1).map((now, i) => {
    const sums = new Map<string, WindowCounts>();
    for (const [key, cur] of now) {
      const prev = last.get(key);
      last.set(key, cur);
      // A restarted replica starts its counters again from zero.
      const delta = (k: 'arrivals' | 'completed' | 'expired') => {
        const c = cur[k];
        const p = prev?.[k] ?? 0;
        return c >= p ? c - p : c;
      };
      const service = serviceOf(key);
      const sum = sums.get(service) ?? noCounts();
      sum.arrivals += delta('arrivals');
      sum.completed += delta('completed');
      sum.expired += delta('expired');
      sum.inFlight += cur.inFlight;
      sum.queueDepth += cur.queueDepth;
      sums.set(service, sum);
    }
    return { t: i, sums };
  });
  return [...names].sort().map((service) => ({
    service,
    windows: windows.map(({ t, sums }) => ({ t, ...(sums.get(service) ?? noCounts()) })),
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
