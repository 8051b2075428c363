// Why: maps each scenario fault onto the mechanism that injects it in the running topology
// (Toxiproxy toxic, nftables drop, cgroup/signal CPU steal, CPU hogs, table lock over IPC,
// process kill), behind the one ActiveFault shape, so the timeline does not care how.
import { startCpuSteal } from '../../faults/cpu-steal.ts';
import { startNoisyNeighbour } from '../../faults/noisy-neighbour.ts';
import { startPacketLoss } from '../../faults/packet-loss.ts';
import { startToxic } from '../../faults/toxic-fault.ts';
import type { ActiveFault } from '../../faults/types.ts';
import type { Ledger } from '../../runtime/ledger.ts';
import type { FaultSpec } from '../../scenario/types.ts';
import type { CpuPinner } from './cpu-pinner.ts';
import { linkKey, type RunningTopology } from './topology.ts';

export interface FaultContext {
  runId: string;
  ledger: Ledger;
  toxiproxyUrl: string | null;
  /** Hogs go on the services' CPUs when the run pins them; null: nothing is pinned. */
  pinner: CpuPinner | null;
}

function combine(parts: ActiveFault[]): ActiveFault {
  const first = parts[0];
  const mechanism = first ? (parts.length > 1 ? `${first.mechanism} (×${parts.length})` : first.mechanism) : 'nothing to inject';
  return {
    mechanism,
    stop: async () => {
      await Promise.all(parts.map((p) => p.stop()));
    },
  };
}

function targetPorts(fault: FaultSpec, topo: RunningTopology): number[] {
  return fault.target.kind === 'link'
    ? topo.portsOf(fault.target.to)
    : topo.portsOf(fault.target.service, fault.target.replica);
}

function targetReplicas(fault: FaultSpec, topo: RunningTopology) {
  if (fault.target.kind === 'link') return topo.replicasOf(fault.target.to);
  return topo.replicasOf(fault.target.service, fault.target.replica);
}

export async function startFault(fault: FaultSpec, topo: RunningTopology, ctx: FaultContext): Promise<ActiveFault> {
  switch (fault.kind) {
    case 'latency':
    case 'bandwidth':
    case 'slow_close':
    case 'timeout':
    case 'reset_peer':
    case 'slicer':
    case 'limit_data': {
      if (fault.target.kind !== 'link' || !ctx.toxiproxyUrl) throw new Error(`${fault.name}: toxics need a link target and a Toxiproxy server`);
      const names = topo.linkProxies.get(linkKey(fault.target.from, fault.target.to)) ?? [];
      const url = ctx.toxiproxyUrl;
      return combine(await Promise.all(names.map((proxyName) => startToxic({ toxiproxyUrl: url, proxyName, fault }))));
    }
    case 'loss':
    case 'partition':
      return startPacketLoss({
        ledger: ctx.ledger,
        runId: ctx.runId,
        ports: targetPorts(fault, topo),
        percent: fault.kind === 'partition' ? 100 : fault.percent,
        label: fault.name,
      });
    case 'cpu-steal':
      return combine(
        await Promise.all(
          targetReplicas(fault, topo).map((r) =>
            startCpuSteal({ ledger: ctx.ledger, runId: ctx.runId, pid: r.child.pid, percent: fault.percent, periodMs: fault.periodMs }),
          ),
        ),
      );
    case 'noisy-neighbour':
      return startNoisyNeighbour({ ledger: ctx.ledger, runId: ctx.runId, hogs: fault.hogs, cpus: ctx.pinner?.cpusOf('services') ?? undefined });
    case 'db-lock': {
      const replicas = targetReplicas(fault, topo);
      for (const r of replicas) r.child.send({ type: 'db-lock', ms: fault.durationMs });
      return {
        mechanism: `simulated table lock for ${fault.durationMs} ms on ${replicas.length} replica(s) of ${replicas[0]?.service ?? '?'} (queries hold their pool connection until it lifts)`,
        stop: async () => {},
      };
    }
    case 'kill': {
      const replicas = targetReplicas(fault, topo);
      await Promise.all(replicas.map((r) => topo.killReplica(r)));
      let restarted = false;
      return {
        mechanism: `SIGKILL of ${replicas.map((r) => `${r.service}#${r.index}`).join(', ')}, restarted on the same port when the window ends`,
        stop: async () => {
          if (restarted) return;
          restarted = true;
          await Promise.all(replicas.map((r) => topo.restartReplica(r)));
        },
      };
    }
    case 'restart': {
      const replicas = targetReplicas(fault, topo);
      await Promise.all(replicas.map((r) => topo.restartReplica(r)));
      return { mechanism: `SIGTERM and restart of ${replicas.map((r) => `${r.service}#${r.index}`).join(', ')}`, stop: async () => {} };
    }
  }
}
