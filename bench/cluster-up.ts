// Why: a local cluster is only useful if bringing it up is cheap. This times `meshbench cluster
// up --provider local` warm (binaries and images cached) over several cycles, with `cluster down`
// between them, and reports the resident memory of every cluster process once up. kind's
// create-cluster time (≈ 60 s for one node on a laptop, its documented ballpark) is the anchor.
// Usage: npm run bench:cluster [-- --cycles 3]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { clusterState } from '../src/cluster/local/local-cluster.ts';
import { CLUSTER_RUN_ID, readLedgers } from '../src/runtime/ledger.ts';
import { repoPath } from '../src/runtime/child.ts';

const { values } = parseArgs({ options: { cycles: { type: 'string', default: '3' } } });
const KIND_ANCHOR_S = 60;

function cli(...args: string[]): void {
  const r = spawnSync(process.execPath, [repoPath('bin/meshbench.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`meshbench ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

function processName(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const name = path.basename(argv[0]!);
  const node = /nodes\/(\w+)\//.exec(argv.join(' '))?.[1];
  return node ? `${name} (${node})` : name;
}

const wasUp = clusterState().state === 'up';
const times: number[] = [];
for (let i = 0; i < Number(values.cycles); i++) {
  if (clusterState().state !== 'down') cli('cluster', 'down');
  const t0 = performance.now();
  cli('cluster', 'up');
  times.push((performance.now() - t0) / 1000);
  console.log(`cycle ${i + 1}: cluster up ${times.at(-1)!.toFixed(1)} s`);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(`warm cluster up: min ${sorted[0]!.toFixed(1)} s, median ${median.toFixed(1)} s, max ${sorted.at(-1)!.toFixed(1)} s`);
console.log(`ratio vs kind's ≈ ${KIND_ANCHOR_S} s: ${(median / KIND_ANCHOR_S).toFixed(2)}×`);

const ledger = readLedgers(CLUSTER_RUN_ID)[0]!;
let controlPlane = 0;
let total = 0;
for (const e of ledger.entries) {
  if (e.kind !== 'process') continue;
  const name = processName(e.pid);
  const mb = rssMb(e.pid);
  total += mb;
  if (/^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)$/.test(name)) controlPlane += mb;
  console.log(`  ${name.padEnd(28)} ${mb.toFixed(0).padStart(5)} MB`);
}
console.log(`control plane RSS: ${controlPlane.toFixed(0)} MB; all cluster processes: ${total.toFixed(0)} MB`);
if (!wasUp) cli('cluster', 'down');
