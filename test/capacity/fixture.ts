// A capacity sweep built from known capacities instead of processes, so the model, the plan and
// the reports can be checked against numbers chosen by hand.
import { parseScenario } from '../../src/scenario/parse.ts';
import { IMPLICIT_ERROR_SLO } from '../../src/capacity/slo.ts';
import type { ArmSweep, CapacitySweep, KneeRecord, StepRecord } from '../../src/capacity/result.ts';
import type { ArmName } from '../../src/scenario/types.ts';

export interface SyntheticArm {
  name: ArmName;
  /** Capacity (rps) at each replica count. */
  capacity: (replicas: number) => number;
  /** Override per knee (e.g. limitedBy elsewhere). */
  knee?: (k: KneeRecord) => KneeRecord;
}

const latency = (p99: number) => ({ count: 1000, mean: p99 / 2, p50: p99 / 2, p90: p99 * 0.8, p99, p999: p99 * 1.2, max: p99 * 1.5 });

function step(arm: ArmName, rate: number, capacity: number, replicas: number, purpose: StepRecord['purpose']): StepRecord {
  const meets = rate <= capacity;
  const ok = Math.min(rate, capacity);
  return {
    purpose,
    rate,
    measuredS: 2,
    sentRps: rate,
    okRps: ok,
    latencyMs: latency(meets ? 12 : 80),
    errorRate: 0,
    timeoutRate: 0,
    dropped: 0,
    sendLatenessP99Ms: 1,
    collapsed: null,
    broken: meets ? [] : ['p99 < 50ms'],
    meets,
    bottleneck: { maxPoolBusy: Math.min(1, rate / capacity), maxQueue: meets ? 0 : 12, queryMs: 10.3 },
    replicaCores: 0.02 + (0.1 * ok) / replicas / 1000,
    replicaRssMiB: 70,
    proxy: arm === 'meshed' ? { cores: 0.05 + (0.6 * ok) / 1000, rssMiB: 100 + (5 * ok) / 1000 } : null,
    machine: { busy: 0.4, meshbenchCores: 0.8 },
  };
}

export function syntheticKnee(arm: ArmName, replicas: number, capacity: number): KneeRecord {
  const low = Math.round(capacity * 0.98);
  const high = Math.round(capacity * 1.02);
  const rates: Array<[number, StepRecord['purpose']]> = [
    [Math.round(capacity * 0.5), 'ramp'],
    [Math.round(capacity * 0.75), 'ramp'],
    [Math.round(capacity * 0.9), 'ramp'],
    [Math.round(capacity * 1.05), 'ramp'],
    [low, 'bisect'],
    [high, 'bisect'],
  ];
  const steps = rates.map(([r, purpose]) => step(arm, r, capacity, replicas, purpose));
  return {
    replicas,
    outcome: 'found',
    maxRps: low,
    interval: { low, high },
    resolutionPct: ((high - low) / low) * 100,
    limitedBy: 'service',
    nominalRps: capacity,
    configuredQueryMs: 10,
    saturationRps: capacity * 1.01,
    throughputKneeRps: Math.round(capacity * 1.05),
    breakpointRps: null,
    probe: { connections: 32, durationS: 3, okRps: capacity * 1.01, non2xx: 0, errors: 0 },
    steps,
    wallTimeS: 30,
  };
}

export function syntheticSweep(arms: SyntheticArm[], replicas = [1, 2, 3]): CapacitySweep {
  const scenario = parseScenario(
    `
name: synthetic
topology:
  entry: frontend
  services:
    - name: frontend
      calls: [user-service]
    - name: user-service
      pool: 8
      serviceTime: 10ms
load: {rate: 100, duration: 5s}
`,
    'synthetic.yaml',
  );
  const sweeps: ArmSweep[] = arms.map((a) => ({
    name: a.name,
    knees: replicas.map((n) => (a.knee ?? ((k) => k))(syntheticKnee(a.name, n, a.capacity(n)))),
  }));
  return {
    id: 'abcd1234',
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:03:00.000Z',
    wallTimeS: 180,
    meshbenchVersion: '0.1.0',
    environment: { node: 'v20', platform: 'linux', arch: 'x64', kernel: '6', cpus: 2, cpuModel: 'test', totalMemGiB: 8, backend: 'embedded' },
    scenario,
    settings: {
      service: 'user-service',
      replicas,
      slos: [{ text: 'p99 < 50ms', metric: 'p99', limit: 50, inclusive: false, implicit: false }, IMPLICIT_ERROR_SLO],
      step: { warmupS: 1, durationS: 2, timeoutMs: 500 },
      probeS: 3,
      resolution: 0.05,
      limits: { minRps: 5, maxRps: 4000 },
      faultsNotInjected: [],
    },
    arms: sweeps,
  };
}
