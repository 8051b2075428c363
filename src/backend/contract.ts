// Why: a backend is a contract, not a branch (DESIGN.md decision 9). Where the topology runs —
// local processes on loopback (`embedded`) or pods in a cluster (`kubernetes`) — is hidden
// behind these interfaces, so the runner, analysis, report and gates never ask which backend
// ran. Each backend brings an arm up, runs the load against it, samples the services' and the
// proxy's counters, hands out replica handles, injects every fault kind through a mechanism it
// names, and tears down; the run result records only `environment.backend` and what describe()
// returns.
import type { ProxyStats } from '../../proxy/src/config.ts';
import type { ActiveFault } from '../faults/types.ts';
import type { LoadgenConfig, LoadgenResult } from '../load/types.ts';
import type { ClusterInfo, CpuPinningRecord, WindowPoint } from '../result/types.ts';
import type { CpuPinningMode } from '../runtime/cpu-pinning.ts';
import type { Ledger } from '../runtime/ledger.ts';
import type { Teardown } from '../runtime/teardown.ts';
import type { ArmName, BackendSpec, FaultSpec, Scenario } from '../scenario/types.ts';
import type { ServiceCounters } from '../services/protocol.ts';

export type BackendKind = BackendSpec['kind'];

export interface Backend {
  readonly kind: BackendKind;
  /** Refuses, before anything is created, a scenario this backend cannot run here — with the fix. */
  preflight(scenario: Scenario): Promise<void>;
  /** Sets up what every phase of the run shares; everything it creates is registered on ctx.teardown. */
  open(scenario: Scenario, ctx: RunContext): Promise<BackendRun>;
}

export interface RunContext {
  runId: string;
  /** Directory for this run's files (generated configs, the result, the report). */
  runDir: string;
  teardown: Teardown;
  /** Records what the run creates before it exists, so `meshbench clean` can remove leftovers. */
  ledger: Ledger;
  /** A real toxiproxy-server's API URL from the command line; overrides the scenario's. */
  toxiproxyUrl: string | null;
  /** Whether to hold the generator, the proxy and the services to separate CPUs (`--cpu-pinning`). */
  cpuPinning: CpuPinningMode;
}

export interface BackendRun {
  /** Where the run ran beyond the runner's own machine (a cluster's version and nodes). */
  describe(): Promise<{ cluster?: ClusterInfo }>;
  /** The CPU pinning the run actually had so far (what was applied, or why nothing was). */
  cpuPinning(): CpuPinningRecord;
  /** Brings one arm's topology up, fresh for every phase. */
  startArm(arm: ArmName): Promise<ArmTopology>;
}

export interface ArmTopology {
  readonly arm: ArmName;
  /** Base URLs the load generator spreads its requests over. */
  readonly loadTargets: string[];
  /** Host header the load carries (the entry service's name when a proxy routes by it). */
  readonly hostHeader: string | null;
  /** Starts the open-loop load generator(s) against this arm. */
  startLoad(config: LoadgenConfig, events: LoadEvents): Promise<LoadRun>;
  /** Each live replica's cumulative counters, keyed `service#index`. */
  sampleServices(): Promise<Map<string, ServiceCounters>>;
  /** The mesh proxies' counters and policy audit, and each proxy process's usage (null when the arm has no proxy). */
  proxyStats(): Promise<ArmProxyStats | null>;
  /** Handles on a service's replicas (all of them, or the one with that index). */
  replicas(service: string, replica?: number | null): ReplicaHandle[];
  /** Injects one fault now; the ActiveFault names the mechanism that ran and lifts it. */
  startFault(fault: FaultSpec): Promise<ActiveFault>;
  /** Removes everything the arm created. */
  stop(): Promise<void>;
}

/** Every proxy of an arm together: counters and audits summed, and each proxy process apart
 * (a DaemonSet's pods, sidecars, or the embedded backend's one process). Counters hold no
 * process_* usage: summed RSS is no process's memory. */
export interface ArmProxyStats extends ProxyStats {
  processes: ProxyProcessSample[];
}

/** One proxy process's cumulative CPU and current resident memory (null when unreadable). */
export interface ProxyProcessSample {
  /** The pod's name, or the embedded proxy's `mesh-proxy (pid N)`. */
  name: string;
  /** The Kubernetes node it runs on; null outside a cluster. */
  node: string | null;
  cpuSeconds: number | null;
  rssBytes: number | null;
}

export interface LoadEvents {
  /** Warmup is over: t = 0 of the fault timeline and of the service sampling. */
  measureStart(): void;
  /** One finished 1 s window of the measured part, for live progress. */
  window(window: WindowPoint, inFlight: number): void;
}

export interface LoadRun {
  /** The generator's histograms and counters once the measured part is over. */
  readonly done: Promise<LoadgenResult>;
  /** Stops the generator (early, on an error or Ctrl-C); safe to call twice. */
  stop(): Promise<void>;
}

export interface ReplicaHandle {
  readonly service: string;
  readonly index: number;
  /** Kills the replica abruptly (no drain), as a crash would. */
  kill(): Promise<void>;
  /** Brings the replica back (after a kill) or restarts it gracefully. */
  restart(): Promise<void>;
}
