// Why: a cluster that fails half-way through `up` wastes minutes and leaves a user guessing.
// These checks say up front what each provider needs — kind and a Docker engine for `kind`;
// root, cgroups, overlayfs, nftables, containerd, runc, CNI plugins, etcd and Go (for the first
// build) for `local` — each with the command that fixes it. Facts are gathered once (I/O);
// the judgement is pure.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cgroupMounts, isWritable } from '../faults/cgroup.ts';
import { runCommand } from '../faults/run-command.ts';
import type { CheckStatus, DoctorCheck } from '../runtime/doctor.ts';

export type Provider = 'local' | 'kind';
export const PROVIDERS: readonly Provider[] = ['local', 'kind'];

export interface ClusterFacts {
  root: boolean;
  /** command → found on PATH */
  commands: Record<string, boolean>;
  cniPlugins: Record<string, boolean>;
  cgroupVersion: 1 | 2 | null;
  cgroupsWritable: boolean;
  overlayfs: boolean;
  dockerEngine: boolean;
  kubeBinariesCached: boolean;
}

const LOCAL_COMMANDS: Record<string, string> = {
  containerd: 'apt-get install -y containerd',
  runc: 'apt-get install -y runc',
  ctr: 'apt-get install -y containerd',
  etcd: 'apt-get install -y etcd-server',
  nft: 'apt-get install -y nftables',
  ip: 'apt-get install -y iproute2',
  nsenter: 'apt-get install -y util-linux',
  conntrack: 'apt-get install -y conntrack',
  openssl: 'apt-get install -y openssl',
  tar: 'apt-get install -y tar',
};
const CNI_PLUGINS = ['bridge', 'host-local', 'portmap', 'loopback'];

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']).some((d) => existsSync(path.join(d, command)));
}

export async function gatherClusterFacts(cniBinDir: string, kubeBinariesCached: boolean): Promise<ClusterFacts> {
  const mounts = cgroupMounts();
  const docker = onPath('docker') ? await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], undefined, 5000) : null;
  let overlayfs = false;
  try {
    overlayfs = /\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'));
  } catch {
    // not Linux
  }
  return {
    root: process.getuid?.() === 0,
    commands: Object.fromEntries([...Object.keys(LOCAL_COMMANDS), 'go', 'kind', 'docker'].map((c) => [c, onPath(c)])),
    cniPlugins: Object.fromEntries(CNI_PLUGINS.map((p) => [p, existsSync(path.join(cniBinDir, p))])),
    cgroupVersion: mounts.some((m) => m.version === 1) ? 1 : mounts.some((m) => m.version === 2) ? 2 : null,
    cgroupsWritable: mounts.length > 0 && mounts.every((m) => isWritable(m.mountPoint)),
    overlayfs,
    dockerEngine: docker !== null && docker.code === 0,
    kubeBinariesCached,
  };
}

/** The checks for `provider`; `required` turns a missing piece into a failure instead of a warning. */
export function clusterChecks(facts: ClusterFacts, provider: Provider, required: boolean): DoctorCheck[] {
  const bad: CheckStatus = required ? 'fail' : 'warn';
  const check = (name: string, ok: boolean, value: string, fix: string): DoctorCheck => ({ name, status: ok ? 'ok' : bad, value, fix: ok ? null : fix });
  if (provider === 'kind') {
    return [
      check('cluster kind: kind', facts.commands.kind === true, facts.commands.kind ? 'found' : 'not found', 'install kind (go install sigs.k8s.io/kind@latest), or use --provider local'),
      check('cluster kind: Docker engine', facts.dockerEngine, facts.dockerEngine ? '`docker info` answers' : facts.commands.docker ? 'docker client only; no engine answers' : 'docker not found', 'kind needs a running Docker engine; without one use --provider local'),
    ];
  }
  const missing = Object.keys(LOCAL_COMMANDS).filter((c) => !facts.commands[c]);
  const missingCni = CNI_PLUGINS.filter((p) => !facts.cniPlugins[p]);
  return [
    check('cluster local: root', facts.root, facts.root ? 'root' : 'not root', 'run `meshbench cluster up --provider local` as root (it creates namespaces, cgroups, mounts)'),
    check('cluster local: tools', missing.length === 0, missing.length === 0 ? 'all found' : `missing ${missing.join(', ')}`, `apt-get install -y ${[...new Set(missing.map((c) => LOCAL_COMMANDS[c]!.split(' ').pop()!))].join(' ')}`),
    check('cluster local: CNI plugins', missingCni.length === 0, missingCni.length === 0 ? CNI_PLUGINS.join(', ') : `missing ${missingCni.join(', ')}`, 'apt-get install -y containernetworking-plugins'),
    check('cluster local: cgroups', facts.cgroupVersion !== null && facts.cgroupsWritable, facts.cgroupVersion ? `v${facts.cgroupVersion}${facts.cgroupsWritable ? ', writable' : ', read-only'}` : 'not mounted', 'mount the cgroup hierarchies writable (run as root, outside a restricted container)'),
    check('cluster local: overlayfs', facts.overlayfs, facts.overlayfs ? 'supported' : 'not in /proc/filesystems', 'containerd unpacks images with overlayfs: use a kernel with overlay support'),
    check('cluster local: Go (first build of Kubernetes)', facts.kubeBinariesCached || facts.commands.go === true, facts.kubeBinariesCached ? 'binaries cached' : facts.commands.go ? 'found' : 'not found', 'install Go ≥ 1.24 (the components are built once from the k8s.io/kubernetes module and cached)'),
  ];
}
