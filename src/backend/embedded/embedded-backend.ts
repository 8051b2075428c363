// Why: the embedded backend — every replica, the proxy and the load generator are local
// processes on loopback, faults act on their pids and ports (nftables, cgroups, signals, the
// bundled Toxiproxy). No Docker and no cluster: what `meshbench run` does out of the box.
import { environmentError } from '../../core/errors.ts';
import { checkFaultSupport, detectCapabilities } from '../../faults/capabilities.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { ArmTopology, Backend, BackendRun, ReplicaHandle, RunContext } from '../contract.ts';
import { CpuPinner } from './cpu-pinner.ts';
import { startFault } from './fault-driver.ts';
import { startLoadGenerator } from './load-generator.ts';
import { startTopology, type RunningTopology, type TopologyContext } from './topology.ts';
import { needsToxiproxy, startToxiproxy } from './toxiproxy-server.ts';
import { injections } from '../../scenario/injections.ts';

export const embeddedBackend: Backend = {
  kind: 'embedded',

  async preflight(scenario) {
    const problems = checkFaultSupport(injections(scenario), await detectCapabilities());
    if (problems.length > 0) {
      throw environmentError(
        'E_FAULT_UNSUPPORTED',
        `this machine cannot inject the faults ${scenario.file} asks for:\n  - ${problems.join('\n  - ')}`,
        'Fix the items above (run `meshbench doctor`), or remove those faults from the scenario.',
      );
    }
  },

  async open(scenario: Scenario, ctx: RunContext): Promise<BackendRun> {
    const pinner = await CpuPinner.open(ctx.cpuPinning);
    const toxiproxyUrl = needsToxiproxy(scenario)
      ? await startToxiproxy(ctx.toxiproxyUrl ?? scenario.toxiproxyUrl, ctx.teardown, ctx.ledger, pinner)
      : null;
    const topologyContext: TopologyContext = { runId: ctx.runId, runDir: ctx.runDir, teardown: ctx.teardown, ledger: ctx.ledger, toxiproxyUrl, pinner };
    return {
      describe: async () => ({}),
      cpuPinning: () => pinner.record(),
      async startArm(arm) {
        return armTopology(await startTopology(scenario, arm, topologyContext), topologyContext);
      },
    };
  },
};

function armTopology(topo: RunningTopology, ctx: TopologyContext): ArmTopology {
  return {
    arm: topo.arm,
    loadTargets: topo.loadTargets,
    hostHeader: topo.hostHeader,
    startLoad: (config, events) => startLoadGenerator(config, events, ctx.teardown, ctx.pinner),
    sampleServices: () => topo.sampleServices(),
    proxyStats: () => topo.proxyStats(),
    replicas: (service, replica = null) =>
      topo.replicasOf(service, replica).map(
        (r): ReplicaHandle => ({
          service: r.service,
          index: r.index,
          kill: () => topo.killReplica(r),
          restart: () => topo.restartReplica(r),
        }),
      ),
    startFault: (fault) => startFault(fault, topo, ctx),
    stop: () => topo.stop(),
  };
}
