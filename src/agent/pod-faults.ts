// Why: the faults the chaos agent applies on its node, each on one pod (or on the node) by the
// most real mechanism there: packet loss and partitions drop real packets with nftables inside
// the pod's own network namespace (netdev hooks on its interface: ingress for what arrives,
// egress for what leaves after TCP handed it to the device, so the sender's TCP sees a loss and
// recovers by retransmission — the SYN RTO tail included); CPU steal freezes the pod's cgroup
// for part of every period; a noisy neighbour burns CPU on the node. Each returns how to lift it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { realClock } from '../core/clock.ts';
import { setFrozen } from '../faults/cgroup.ts';
import { runDutyCycle } from '../faults/cpu-steal.ts';
import { findPodProcesses } from './pod-processes.ts';

export type AgentFaultRequest =
  | { kind: 'loss'; podUid: string; ports: number[]; percent: number }
  | { kind: 'partition'; podUid: string; ports: number[] }
  | { kind: 'cpu-steal'; podUid: string; percent: number; periodMs: number }
  | { kind: 'noisy-neighbour'; hogs: number };

export interface AppliedFault {
  mechanism: string;
  lift(): Promise<void>;
}

export interface AgentEnv {
  /** The host's /proc (the agent runs with hostPID). */
  procRoot: string;
  /** Where the host's cgroup hierarchies are mounted inside the agent (e.g. /host/sys/fs/cgroup). */
  cgroupRoot: string;
  /** The pod network interface the CNI gives every pod. */
  podInterface: string;
}

/** nftables script for loss (percent < 100) or a partition (100) on a pod's interface, both
 * directions, for the given TCP ports of the pod. Pure, for its test. */
export function podLossScript(table: string, iface: string, ports: number[], percent: number, label: string): string {
  const set = `{ ${ports.join(', ')} }`;
  const verdict = percent >= 100 ? 'drop' : `numgen random mod 100 < ${percent} drop`;
  const comment = label.replace(/[^A-Za-z0-9 _.:>\-]/g, '_').slice(0, 120);
  return [
    `table netdev ${table} {`,
    '  chain ingress {',
    `    type filter hook ingress device "${iface}" priority 0; policy accept;`,
    `    tcp dport ${set} ${verdict} comment "${comment}"`,
    '  }',
    '  chain egress {',
    `    type filter hook egress device "${iface}" priority 0; policy accept;`,
    `    tcp sport ${set} ${verdict} comment "${comment}"`,
    '  }',
    '}',
    '',
  ].join('\n');
}

function run(argv: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')}: exit ${code}: ${stderr.trim()}`))));
    child.stdin.end(input ?? '');
  });
}

const inPodNetns = (env: AgentEnv, pid: number, argv: string[]) => ['nsenter', `--net=${env.procRoot}/${pid}/ns/net`, '--', ...argv];

function podOf(env: AgentEnv, podUid: string) {
  const found = findPodProcesses(podUid, env.procRoot);
  if (found.pids.length === 0) throw new Error(`no process of pod ${podUid} on this node`);
  return found;
}

async function applyLoss(env: AgentEnv, id: string, podUid: string, ports: number[], percent: number): Promise<AppliedFault> {
  const pod = podOf(env, podUid);
  const pid = pod.pids[0]!;
  const table = `meshbench-${id}`.slice(0, 60);
  await run(inPodNetns(env, pid, ['nft', '-f', '-']), podLossScript(table, env.podInterface, ports, percent, `${id} pod ${podUid}`));
  const what = percent >= 100 ? 'drop all' : `numgen drop ${percent}%`;
  return {
    mechanism: `nftables in pod ${podUid}'s network namespace: ${what} tcp/${ports.join(',')} on ${env.podInterface} ingress+egress (table netdev ${table})`,
    lift: () => run(inPodNetns(env, pid, ['nft', 'delete', 'table', 'netdev', table])).catch((err: Error) => {
      if (!/No such file|does not exist|Could not process rule/.test(err.message)) throw err; // the pod is gone, and its namespace with it
    }),
  };
}

function applyCpuSteal(env: AgentEnv, podUid: string, percent: number, periodMs: number): AppliedFault {
  const pod = podOf(env, podUid);
  const rel = pod.cgroups.get('freezer') ?? pod.cgroups.get('');
  if (rel === undefined) throw new Error(`pod ${podUid} has no freezer cgroup`);
  const dir = path.join(env.cgroupRoot, pod.cgroups.has('freezer') ? 'freezer' : '', rel);
  const cycle = runDutyCycle({ freeze: () => setFrozen(dir, true), thaw: () => setFrozen(dir, false) }, percent, periodMs, realClock);
  return {
    mechanism: `cgroup freezer of pod ${podUid} (${rel}): frozen ${percent}% of every ${periodMs} ms`,
    lift: async () => {
      cycle.stop();
      setFrozen(dir, false);
    },
  };
}

const HOG = "const { parentPort } = require('node:worker_threads'); let stop = false; parentPort.on('message', () => (stop = true)); (function spin() { const until = Date.now() + 50; while (Date.now() < until) {} if (!stop) setImmediate(spin); })();";

function applyNoisyNeighbour(hogs: number): AppliedFault {
  const workers = Array.from({ length: hogs }, () => new Worker(HOG, { eval: true }));
  return {
    mechanism: `${hogs} busy-loop thread(s) in the chaos agent on this node`,
    lift: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

export async function applyFault(env: AgentEnv, id: string, req: AgentFaultRequest): Promise<AppliedFault> {
  switch (req.kind) {
    case 'loss':
      return applyLoss(env, id, req.podUid, req.ports, req.percent);
    case 'partition':
      return applyLoss(env, id, req.podUid, req.ports, 100);
    case 'cpu-steal':
      return applyCpuSteal(env, req.podUid, req.percent, req.periodMs);
    case 'noisy-neighbour':
      return applyNoisyNeighbour(req.hogs);
  }
}
