// Why: a capacity sweep measures "cells" — one arm at one replica count of the scaled service.
// What a cell runs and what its steps add up to are decided here, as pure functions of the
// scenario and the measurements: which service is the bottleneck, the scenario a cell brings up,
// how long a step waits for an answer, and the knee record a search leaves.
import { badInput } from '../core/errors.ts';
import type { Scenario, ServiceSpec } from '../scenario/types.ts';
import { nominalCapacityRps } from '../services/service-time.ts';
import { MAX_PLAN_REPLICAS } from './plan.ts';
import type { ProbeResult } from './probe.ts';
import type { KneeRecord, StepRecord } from './result.ts';
import { latencyLimitMs, type Slo } from './slo.ts';
import { kneeLimit, type KneeLimit, throughputFigures } from './step-judgement.ts';
import type { KneeSearch } from './sweep.ts';

/** The entry's deepest callee: the service every request finally waits for. */
export function deepestCallee(scenario: Scenario): ServiceSpec {
  const byName = new Map(scenario.topology.services.map((s) => [s.name, s]));
  let best = { service: byName.get(scenario.topology.entry)!, depth: 0 };
  const visit = (s: ServiceSpec, depth: number) => {
    if (depth > best.depth) best = { service: s, depth };
    for (const call of s.calls) {
      const callee = byName.get(call.service);
      if (callee) visit(callee, depth + 1);
    }
  };
  visit(best.service, 0);
  return best.service;
}

/** The service to scale: the one named, or the entry's deepest callee; it must be simulated. */
export function scaledService(scenario: Scenario, name: string | undefined): ServiceSpec {
  const names = scenario.topology.services.map((s) => s.name);
  const service = name === undefined ? deepestCallee(scenario) : scenario.topology.services.find((s) => s.name === name);
  if (!service) throw badInput('E_CAPACITY_SERVICE', `--service ${name}: ${scenario.file} has no such service`, `services: ${names.join(', ')}`);
  const how = name === undefined ? `the entry's deepest callee, ${service.name},` : `--service ${service.name}`;
  if (service.external) {
    throw badInput('E_CAPACITY_SERVICE', `${how} is external (${service.external}): meshbench cannot change how many replicas of it run`, 'name a simulated service with --service');
  }
  if (service.zones) {
    throw badInput('E_CAPACITY_SERVICE', `${how} has one zone label per replica, so its replica count cannot be varied`, `remove zones from ${service.name} in ${scenario.file}, or name another service with --service`);
  }
  return service;
}

/**
 * Refuses, before measuring anything, a target no replica count of the service could serve even
 * by construction (replicas × pool / time per query, contention included): no sweep could show it.
 */
export function assertReachable(service: ServiceSpec, neededRps: number): void {
  let best = { replicas: 1, rps: 0 };
  for (let n = 1; n <= MAX_PLAN_REPLICAS; n++) {
    const rps = nominalCapacityRps(service, n);
    if (rps >= neededRps) return;
    if (rps > best.rps) best = { replicas: n, rps };
    else if (service.contention) break; // past the peak, crosstalk only takes away
  }
  const why = service.contention
    ? `its contention caps it at ${Math.round(best.rps)} rps near ${best.replicas} replicas`
    : `${MAX_PLAN_REPLICAS} replicas serve ${Math.round(best.rps)} rps`;
  throw badInput(
    'E_CAPACITY_UNREACHABLE',
    `no replica count of ${service.name} can serve ${Math.round(neededRps)} rps (the target plus headroom), even by construction: ${why}`,
    'lower --target-rps or --headroom, or change the service (pool, serviceTime, contention) in the scenario',
  );
}

/**
 * What one cell brings up: the scaled service at `replicas`, no faults (a capacity sweep measures
 * the steady state), and the proxy on any free port (nothing outside needs to find it).
 */
export function cellScenario(scenario: Scenario, service: string, replicas: number): Scenario {
  return {
    ...scenario,
    topology: {
      ...scenario.topology,
      services: scenario.topology.services.map((s) => (s.name === service ? { ...s, replicas } : s)),
    },
    faults: [],
    mesh: { ...scenario.mesh, port: 0, adminPort: 0 },
  };
}

/**
 * A step's client timeout: long enough to see every latency an SLO cares about (10× its limit,
 * at least 500 ms), never longer than the scenario's own.
 */
export function stepTimeoutMs(slos: readonly Slo[], scenarioTimeoutMs: number): number {
  const limit = latencyLimitMs(slos);
  return limit === null ? scenarioTimeoutMs : Math.min(scenarioTimeoutMs, Math.max(500, 10 * limit));
}

/** A step's p99 must rest on enough requests: at least this many are measured per step … */
export const MIN_STEP_REQUESTS = 300;
/** … by stretching a slow step, up to this multiple of the step duration asked for. */
const MAX_STRETCH = 4;

/** Measured seconds of a step at `rate`: as asked, or longer so that MIN_STEP_REQUESTS arrive. */
export function stepDurationS(rate: number, askedS: number): number {
  return Math.min(MAX_STRETCH * askedS, Math.max(askedS, Math.ceil(MIN_STEP_REQUESTS / rate)));
}

/** Who set the knee, from the step(s) that broke the SLO at its upper end (machine wins over service, service over elsewhere). */
function limitOf(above: readonly StepRecord[], configuredQueryMs: number): KneeLimit | null {
  if (above.length === 0) return null;
  const limits = above.map((s) => kneeLimit(s.bottleneck, configuredQueryMs));
  return limits.includes('machine') ? 'machine' : limits.includes('service') ? 'service' : 'elsewhere';
}

/** The knee a search found, with what its steps say about it. */
export function kneeRecord(
  replicas: number,
  search: KneeSearch<StepRecord>,
  probe: ProbeResult,
  nominal: { rps: number; queryMs: number },
  wallTimeS: number,
): KneeRecord {
  const { low, high } = search;
  const above = high === null ? [] : search.steps.filter((s) => s.rate === high && !s.meets);
  return {
    replicas,
    outcome: search.outcome,
    maxRps: search.outcome === 'found' ? low : null,
    interval: { low, high },
    resolutionPct: low !== null && high !== null ? ((high - low) / low) * 100 : null,
    limitedBy: limitOf(above, nominal.queryMs),
    nominalRps: nominal.rps,
    configuredQueryMs: nominal.queryMs,
    saturationRps: probe.okRps,
    ...throughputFigures(search.steps.map((s) => ({ rate: s.rate, okRps: s.okRps, collapsed: s.collapsed !== null }))),
    probe,
    steps: search.steps,
    wallTimeS,
  };
}
