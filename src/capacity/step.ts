// Why: one capacity step is one open-loop load at one rate, with its own warmup, against a
// topology the runner brought up: the load generator of `meshbench run` (one warm process for
// the whole sweep) offers it and measures latency from the intended send time; meanwhile the scaled service's pool and queue are
// sampled (did it set the knee?) and CPU and RSS of its replicas, of the proxy and of the whole
// machine are read at the start and end of the measured part. A step that collapses is stopped
// as soon as that is clear.
import { errorRate } from '../result/build.ts';
import type { WindowPoint } from '../result/types.ts';
import type { RunningTopology } from '../backend/embedded/topology.ts';
import { machineCpuTicks, processUsage, type ProcessUsage } from '../runtime/process-usage.ts';
import type { LoadSpec } from '../scenario/types.ts';
import { decodeHistogram, summarizeMs } from '../stats/histogram.ts';
import type { StepRecord } from './result.ts';
import type { SweepLoadgen } from './sweep-loadgen.ts';
import { brokenSlos, latencyLimitMs, type Slo } from './slo.ts';
import { collapseReason, type BottleneckLoad } from './step-judgement.ts';
import type { StepPurpose } from './sweep.ts';

export interface StepSpec {
  purpose: StepPurpose;
  rate: number;
  warmupS: number;
  durationS: number;
  timeoutMs: number;
  seed: number;
}

export interface StepEnv {
  topo: RunningTopology;
  /** The scenario's load: method, path, arrival process and request classes. */
  load: LoadSpec;
  /** The scaled service and its pool per replica. */
  service: { name: string; pool: number };
  slos: readonly Slo[];
  loadgen: SweepLoadgen;
  /** Each settled window of the measured part, for live progress. */
  onWindow?: (window: WindowPoint, inFlight: number) => void;
}

const MIB = 1024 * 1024;
const SAMPLE_MS = 250;

interface Snapshot {
  atMs: number;
  machine: { busy: number; total: number } | null;
  replicas: Array<ProcessUsage | null>;
  proxy: ProcessUsage | null;
  /** CPU seconds of every meshbench process of the step (topology, generator, this one). */
  meshbenchCpuS: number;
}

async function snapshot(topo: RunningTopology, service: string, loadgenPid: number | null): Promise<Snapshot> {
  const replicas = topo.replicasOf(service);
  const pids = [...topo.replicas.map((r) => r.child.pid), ...(loadgenPid === null ? [] : [loadgenPid]), ...(topo.proxy ? [topo.proxy.child.pid] : [])];
  const all = await Promise.all(pids.map(processUsage));
  const own = process.cpuUsage();
  return {
    atMs: performance.now(),
    machine: await machineCpuTicks(),
    replicas: await Promise.all(replicas.map((r) => processUsage(r.child.pid))),
    proxy: topo.proxy ? await processUsage(topo.proxy.child.pid) : null,
    meshbenchCpuS: all.reduce((s, u) => s + (u?.cpuSeconds ?? 0), 0) + (own.user + own.system) / 1e6,
  };
}

/**
 * Samples the scaled service's counters every SAMPLE_MS: the busiest pool share and longest
 * queue seen, and — by Little's law on the pool, mean connections in use ÷ queries completed per
 * second — how long a query actually held its connection.
 */
function watchBottleneck(topo: RunningTopology, service: { name: string; pool: number }): { stop(): Promise<BottleneckLoad> } {
  const load: BottleneckLoad = { maxPoolBusy: 0, maxQueue: 0, queryMs: null };
  const slots = topo.replicasOf(service.name).length * service.pool;
  const samples: Array<{ atMs: number; inUse: number; completed: number }> = [];
  let pending: Promise<void> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    pending = topo.sampleServices().then((sample) => {
      let inUse = 0;
      let queue = 0;
      let completed = 0;
      for (const [key, c] of sample) {
        if (!key.startsWith(`${service.name}#`)) continue;
        inUse += c.poolInUse;
        queue += c.queueDepth;
        completed += c.completed;
      }
      samples.push({ atMs: performance.now(), inUse, completed });
      load.maxPoolBusy = Math.max(load.maxPoolBusy, slots > 0 ? inUse / slots : 0);
      load.maxQueue = Math.max(load.maxQueue, queue);
      busy = false;
    });
  }, SAMPLE_MS);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      const first = samples[0];
      const last = samples[samples.length - 1];
      if (first && last && last.completed > first.completed) {
        const perS = (last.completed - first.completed) / ((last.atMs - first.atMs) / 1000);
        const meanInUse = samples.reduce((sum, x) => sum + x.inUse, 0) / samples.length;
        load.queryMs = (meanInUse / perS) * 1000;
      }
      return load;
    },
  };
}

export async function runStep(spec: StepSpec, env: StepEnv): Promise<StepRecord> {
  const { topo } = env;
  const load: LoadSpec = {
    ...env.load,
    rate: spec.rate,
    ramp: null,
    // A fixed warmup: the probe and earlier steps warmed the processes, and a warmup waiting for
    // the latency to settle would wait out every overload to its maximum.
    warmupS: spec.warmupS,
    warmupMaxS: spec.warmupS,
    durationS: spec.durationS,
    timeoutMs: spec.timeoutMs,
    // Room for every request of one timeout at this rate; arrivals beyond it are a collapse.
    maxInFlight: Math.max(64, Math.ceil((spec.rate * spec.timeoutMs * 1.2) / 1000)),
  };
  const rule = { rate: spec.rate, latencyLimitMs: latencyLimitMs(env.slos) };
  let collapsed: string | null = null;
  // What starts with the measured part, filled in by the generator's measure-start event — a
  // holder, since a closure assigns it.
  const measuring: { current: { before: Promise<Snapshot>; watcher: ReturnType<typeof watchBottleneck> } | null } = { current: null };
  try {
    const result = await env.loadgen.run(
      { targets: topo.loadTargets, hostHeader: topo.hostHeader, load, seed: spec.seed },
      {
        onMeasureStart: () => {
          measuring.current = { before: snapshot(topo, env.service.name, env.loadgen.pid), watcher: watchBottleneck(topo, env.service) };
        },
        onWindow: (window, inFlight) => {
          env.onWindow?.(window, inFlight);
          const reason = collapsed ?? collapseReason(window, inFlight, rule);
          if (reason && !collapsed) {
            collapsed = reason;
            env.loadgen.stopLoad();
          }
        },
      },
      (spec.warmupS + spec.durationS) * 1000 + spec.timeoutMs + 60_000,
    );
    const after = await snapshot(topo, env.service.name, env.loadgen.pid);
    const measured = measuring.current;
    const start = measured ? await measured.before : null;
    const bottleneck = measured ? await measured.watcher.stop() : { maxPoolBusy: 0, maxQueue: 0, queryMs: null };
    const measuredS = result.measuredMs / 1000;
    const latencyMs = summarizeMs(decodeHistogram(result.histogram));
    const metrics = {
      ...latencyMs,
      errorRate: errorRate(result.requests),
      timeoutRate: result.requests.scheduled === 0 ? 0 : result.requests.timeouts / result.requests.scheduled,
    };
    const broken = brokenSlos(env.slos, metrics).map((s) => s.text);
    return {
      purpose: spec.purpose,
      rate: spec.rate,
      measuredS,
      sentRps: result.achievedRps,
      okRps: measuredS > 0 ? result.requests.ok / measuredS : 0,
      latencyMs,
      errorRate: metrics.errorRate,
      timeoutRate: metrics.timeoutRate,
      dropped: result.requests.dropped,
      sendLatenessP99Ms: summarizeMs(decodeHistogram(result.sendLateness)).p99,
      collapsed,
      broken,
      meets: broken.length === 0 && collapsed === null,
      bottleneck,
      ...usageBetween(start, after, measuredS),
    };
  } finally {
    await measuring.current?.watcher.stop();
  }
}

function usageBetween(start: Snapshot | null, end: Snapshot, measuredS: number): Pick<StepRecord, 'replicaCores' | 'replicaRssMiB' | 'proxy' | 'machine'> {
  const seconds = start ? (end.atMs - start.atMs) / 1000 : 0;
  if (!start || seconds <= 0 || measuredS <= 0) return { replicaCores: 0, replicaRssMiB: 0, proxy: null, machine: null };
  const cpuDelta = (a: ProcessUsage | null, b: ProcessUsage | null) => (a && b ? Math.max(0, b.cpuSeconds - a.cpuSeconds) : 0);
  const replicaCpu = end.replicas.reduce((sum, u, i) => sum + cpuDelta(start.replicas[i] ?? null, u), 0);
  const machineTotal = start.machine && end.machine ? end.machine.total - start.machine.total : 0;
  return {
    replicaCores: end.replicas.length > 0 ? replicaCpu / end.replicas.length / measuredS : 0,
    replicaRssMiB: Math.max(0, ...end.replicas.map((u) => (u?.rssBytes ?? 0) / MIB)),
    proxy: end.proxy ? { cores: cpuDelta(start.proxy, end.proxy) / measuredS, rssMiB: end.proxy.rssBytes / MIB } : null,
    machine:
      start.machine && end.machine && machineTotal > 0
        ? { busy: (end.machine.busy - start.machine.busy) / machineTotal, meshbenchCores: Math.max(0, end.meshbenchCpuS - start.meshbenchCpuS) / seconds }
        : null,
  };
}
