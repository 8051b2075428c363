// Why: two nodes on one machine need two network stacks. Each node gets a network namespace
// joined by a veth pair to one bridge on the host, where the control plane listens; pod
// subnets are routed between the nodes (and from the host) through the nodes' addresses. No
// route leads out of the machine, and no masquerade: the cluster's traffic stays inside it.
import { mustRun } from '../../faults/run-command.ts';
import type { LocalLayout } from './layout.ts';

export interface NetworkStep {
  /** What the step creates, for the ledger (recorded before the step runs). */
  creates: { kind: 'link'; name: string } | { kind: 'netns'; name: string } | null;
  argv: string[];
}

/** The `ip` commands that build the cluster network, in order (pure, so a test can read them). */
export function networkPlan(layout: LocalLayout): NetworkStep[] {
  const cidr = `${layout.bridgeIp}/${layout.linkPrefixLength}`;
  const steps: NetworkStep[] = [
    { creates: { kind: 'link', name: layout.bridge }, argv: ['ip', 'link', 'add', layout.bridge, 'type', 'bridge'] },
    { creates: null, argv: ['ip', 'addr', 'add', cidr, 'dev', layout.bridge] },
    { creates: null, argv: ['ip', 'link', 'set', layout.bridge, 'up'] },
  ];
  for (const node of layout.nodes) {
    const inNs = (...argv: string[]) => ['ip', '-n', node.netns, ...argv];
    steps.push(
      { creates: { kind: 'netns', name: node.netns }, argv: ['ip', 'netns', 'add', node.netns] },
      { creates: null, argv: ['ip', 'link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns] },
      { creates: null, argv: ['ip', 'link', 'set', node.hostVeth, 'master', layout.bridge, 'up'] },
      { creates: null, argv: inNs('addr', 'add', `${node.ip}/${layout.linkPrefixLength}`, 'dev', 'eth0') },
      { creates: null, argv: inNs('link', 'set', 'lo', 'up') },
      { creates: null, argv: inNs('link', 'set', 'eth0', 'up') },
      { creates: null, argv: ['ip', 'route', 'add', node.podCidr, 'via', node.ip, 'dev', layout.bridge] },
    );
    for (const other of layout.nodes.filter((o) => o !== node)) {
      steps.push({ creates: null, argv: inNs('route', 'add', other.podCidr, 'via', other.ip, 'dev', 'eth0') });
    }
  }
  return steps;
}

/** Per-namespace sysctls a node needs: forwarding between its pods' bridge and its uplink, and
 * bridged pod traffic through netfilter (hostPort DNAT between pods of one node). */
export async function configureNodeSysctls(layout: LocalLayout): Promise<void> {
  for (const node of layout.nodes) {
    for (const [key, value] of [
      ['net/ipv4/ip_forward', '1'],
      ['net/ipv4/conf/all/route_localnet', '1'],
    ] as const) {
      await mustRun('nsenter', [`--net=/run/netns/${node.netns}`, '--', 'sh', '-c', `echo ${value} > /proc/sys/${key}`]);
    }
  }
}

export async function runNetworkPlan(steps: NetworkStep[], record: (entry: NonNullable<NetworkStep['creates']>) => void): Promise<void> {
  for (const step of steps) {
    if (step.creates) record(step.creates);
    const [file, ...args] = step.argv;
    await mustRun(file!, args);
  }
}
