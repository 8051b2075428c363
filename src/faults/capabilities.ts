// Why: a scenario whose faults this machine cannot inject must be refused before anything
// starts, with the fix in the message — not fail halfway through a 10-minute run, and never
// silently measure something else. This probes what the machine offers and maps each fault
// kind to the mechanism it needs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FaultSpec } from '../scenario/types.ts';
import { cgroupMounts, freezerHierarchies, isWritable, type CgroupVersion } from './cgroup.ts';
import { runCommand } from './run-command.ts';

export interface Capabilities {
  root: boolean;
  /** nft present and able to load a loss table here (checked with `nft -c`, which changes nothing). */
  nft: { usable: boolean; problem: string | null };
  netns: { usable: boolean; problem: string | null };
  cgroup: {
    /** Writable v1 hierarchies' controllers (e.g. ["cpu", "freezer"]). */
    v1Controllers: string[];
    /** A writable cgroup2 mount exists (its children have `cgroup.freeze`). */
    v2Writable: boolean;
    /** Which freezer cpu-steal would use, or null (it then falls back to SIGSTOP/SIGCONT). */
    freezer: CgroupVersion | null;
  };
  taskset: boolean;
  /** Path of a Chromium for the report's screenshots, or null. */
  chromium: string | null;
}

/** What a fault needs from the machine. */
export type Mechanism = 'nftables' | 'cpu-freeze' | 'processes' | 'toxiproxy' | 'in-process';

export interface MechanismNeed {
  mechanism: Mechanism;
  /** Names of the faults that need it. */
  faults: string[];
}

const PROBE_SCRIPT = [
  'table inet meshbench-probe {',
  '  chain receive {',
  '    type filter hook prerouting priority raw; policy accept;',
  '    iifname "lo" tcp dport { 9 } numgen random mod 100 < 1 drop',
  '  }',
  '}',
  '',
].join('\n');

async function probeNft(root: boolean): Promise<Capabilities['nft']> {
  const r = await runCommand('nft', ['-c', '-f', '-'], PROBE_SCRIPT);
  if (r.code === 0) return { usable: true, problem: null };
  if (r.code === 127) return { usable: false, problem: 'nft is not installed' };
  return { usable: false, problem: root ? `nft refused a loss rule: ${r.stderr.trim()}` : 'nft needs root (CAP_NET_ADMIN)' };
}

async function probeNetns(root: boolean): Promise<Capabilities['netns']> {
  const r = await runCommand('ip', ['netns', 'list']);
  if (r.code === 127) return { usable: false, problem: 'ip (iproute2) is not installed' };
  if (r.code !== 0) return { usable: false, problem: `ip netns failed: ${r.stderr.trim()}` };
  if (!root) return { usable: false, problem: 'network namespaces need root' };
  return { usable: true, problem: null };
}

function findOnPath(names: string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    for (const n of names) if (existsSync(path.join(dir, n))) return path.join(dir, n);
  }
  return null;
}

export async function detectCapabilities(): Promise<Capabilities> {
  const root = process.getuid?.() === 0;
  const mounts = cgroupMounts().filter((m) => isWritable(m.mountPoint));
  const freezer = freezerHierarchies(mounts)[0]?.version ?? null;
  const [nft, netns] = await Promise.all([probeNft(root), probeNetns(root)]);
  return {
    root,
    nft,
    netns,
    cgroup: {
      v1Controllers: mounts.filter((m) => m.version === 1).flatMap((m) => m.controllers).sort(),
      v2Writable: mounts.some((m) => m.version === 2),
      freezer,
    },
    taskset: findOnPath(['taskset']) !== null,
    chromium: findOnPath(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']),
  };
}

function mechanismOf(fault: FaultSpec): Mechanism {
  switch (fault.kind) {
    case 'loss':
    case 'partition':
      return 'nftables';
    case 'cpu-steal':
      return 'cpu-freeze';
    case 'noisy-neighbour':
    case 'kill':
    case 'restart':
      return 'processes';
    case 'db-lock':
      return 'in-process';
    default:
      return 'toxiproxy';
  }
}

/** The mechanisms a scenario's faults need, each with the faults that need it. */
export function requiredMechanisms(faults: FaultSpec[]): MechanismNeed[] {
  const needs = new Map<Mechanism, string[]>();
  for (const f of faults) {
    const m = mechanismOf(f);
    needs.set(m, [...(needs.get(m) ?? []), f.name]);
  }
  return [...needs].map(([mechanism, names]) => ({ mechanism, faults: names }));
}

/**
 * Problems that stop these faults from running as specified, each with its fix; empty when
 * all can run. Loss and partition need real nftables rules: no emulation exists yet, so
 * `allowEmulation` cannot lift the requirement (meshbench refuses rather than fake a result).
 * CPU steal never blocks: without a writable freezer it uses signals.
 */
export function checkFaultSupport(faults: FaultSpec[], caps: Capabilities): string[] {
  const problems: string[] = [];
  for (const f of faults) {
    if (f.kind === 'loss' || f.kind === 'partition') {
      const what = f.kind === 'loss' ? 'packet loss' : 'a partition';
      const emulation = f.allowEmulation ? ' (allowEmulation: this version has no labelled emulation to fall back to)' : '';
      if (!caps.root) {
        problems.push(`${f.name}: ${what} needs root for its nftables rules: run meshbench as root${emulation}`);
      } else if (!caps.nft.usable) {
        problems.push(`${f.name}: ${what} needs nftables (${caps.nft.problem ?? 'unusable'}): apt-get install -y nftables${emulation}`);
      }
    }
  }
  return problems;
}
