// Why: a benchmark on a badly tuned host measures the host — SYNs dropped by a short accept
// queue, ephemeral ports stuck in TIME_WAIT, EMFILE at a few hundred connections — and a
// chaos run on a host without nftables or cgroups cannot inject what it promises. The doctor
// gathers those facts once (I/O) and judges them in a pure function, each verdict with its fix.
import type { FaultKind } from '../scenario/types.ts';
import { detectCapabilities, type Capabilities } from '../faults/capabilities.ts';
import { readFileSync } from 'node:fs';
import { runCommand } from '../faults/run-command.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  /** What was found, e.g. "2" or "32768 60999 (28232 ports)". */
  value: string;
  /** How to fix it; null when status is ok. */
  fix: string | null;
}

export const SYSCTLS = ['net.ipv4.tcp_tw_reuse', 'net.ipv4.ip_local_port_range', 'net.core.somaxconn'] as const;
export type SysctlName = (typeof SYSCTLS)[number];

export interface HostFacts {
  /** Raw sysctl values (whitespace-normalised); null when unreadable. */
  sysctl: Record<SysctlName, string | null>;
  /** Soft open-file limit (`ulimit -n`); Infinity for unlimited; null when unknown. */
  openFileLimit: number | null;
  caps: Capabilities;
}

function readSysctl(name: string): string | null {
  try {
    return readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim().split(/\s+/).join(' ');
  } catch {
    return null;
  }
}

export async function gatherHostFacts(): Promise<HostFacts> {
  const ulimit = await runCommand('sh', ['-c', 'ulimit -n']);
  const raw = ulimit.stdout.trim();
  const openFileLimit = ulimit.code !== 0 ? null : raw === 'unlimited' ? Infinity : Number.parseInt(raw, 10);
  const sysctl = Object.fromEntries(SYSCTLS.map((n) => [n, readSysctl(n)])) as Record<SysctlName, string | null>;
  return { sysctl, openFileLimit: Number.isNaN(openFileLimit) ? null : openFileLimit, caps: await detectCapabilities() };
}

export function parsePortRange(value: string): { low: number; high: number } | null {
  const m = /^(\d+)\s+(\d+)$/.exec(value.trim());
  if (!m) return null;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return low <= high ? { low, high } : null;
}

const FIX = {
  twReuse: 'sysctl -w net.ipv4.tcp_tw_reuse=1 (fresh loopback connections otherwise wait out TIME_WAIT)',
  portRange: 'sysctl -w net.ipv4.ip_local_port_range="15000 65000"',
  somaxconn: 'sysctl -w net.core.somaxconn=4096 (a short accept queue drops SYNs under bursts: 1 s stalls that are the host, not the mesh)',
  nofile: 'ulimit -n 65536 before running meshbench (or LimitNOFILE=65536 for a service, nofile in /etc/security/limits.conf)',
};

function sysctlChecks(s: HostFacts['sysctl']): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const tw = s['net.ipv4.tcp_tw_reuse'];
  // 2 (the kernel default) allows reuse for loopback, which is where embedded runs connect.
  checks.push({
    name: 'net.ipv4.tcp_tw_reuse',
    status: tw === '1' || tw === '2' ? 'ok' : 'warn',
    value: tw ?? 'unreadable',
    fix: tw === '1' || tw === '2' ? null : FIX.twReuse,
  });

  const rangeRaw = s['net.ipv4.ip_local_port_range'];
  const range = rangeRaw === null ? null : parsePortRange(rangeRaw);
  const ports = range ? range.high - range.low + 1 : 0;
  const rangeStatus: CheckStatus = range === null ? 'warn' : ports >= 28_000 ? 'ok' : ports >= 10_000 ? 'warn' : 'fail';
  checks.push({
    name: 'net.ipv4.ip_local_port_range',
    status: rangeStatus,
    value: range ? `${range.low} ${range.high} (${ports} ports)` : (rangeRaw ?? 'unreadable'),
    fix: rangeStatus === 'ok' ? null : FIX.portRange,
  });

  const somaxconn = s['net.core.somaxconn'] === null ? null : Number(s['net.core.somaxconn']);
  const backlogOk = somaxconn !== null && somaxconn >= 4096;
  checks.push({
    name: 'net.core.somaxconn',
    status: backlogOk ? 'ok' : 'warn',
    value: somaxconn === null ? 'unreadable' : String(somaxconn),
    fix: backlogOk ? null : FIX.somaxconn,
  });
  return checks;
}

function openFileCheck(limit: number | null): DoctorCheck {
  const status: CheckStatus = limit === null ? 'warn' : limit >= 65_536 ? 'ok' : limit >= 4096 ? 'warn' : 'fail';
  return { name: 'open-file limit (ulimit -n)', status, value: limit === null ? 'unknown' : String(limit), fix: status === 'ok' ? null : FIX.nofile };
}

function mechanismChecks(caps: Capabilities, need: ReadonlySet<FaultKind>): DoctorCheck[] {
  const lossNeeded = need.has('loss') || need.has('partition');
  const lossOk = caps.root && caps.nft.usable;
  const lossProblem = !caps.root ? 'not root' : (caps.nft.problem ?? '');
  const stealNeeded = need.has('cpu-steal');
  return [
    {
      name: 'packet loss / partition (nftables)',
      status: lossOk ? 'ok' : lossNeeded ? 'fail' : 'warn',
      value: lossOk ? 'nft usable' : lossProblem,
      fix: lossOk ? null : 'packet loss needs nftables and root: apt-get install -y nftables, and run meshbench as root (or allowEmulation: true in the fault)',
    },
    {
      name: 'cpu steal (cgroup freezer)',
      // Never a failure: without a freezer, cpu-steal runs as a SIGSTOP/SIGCONT duty cycle.
      status: caps.cgroup.freezer !== null ? 'ok' : 'warn',
      value: caps.cgroup.freezer !== null ? `cgroup v${caps.cgroup.freezer} freezer` : `no writable freezer${stealNeeded ? '; SIGSTOP/SIGCONT will be used' : ''}`,
      fix: caps.cgroup.freezer !== null ? null : 'run as root on Linux with the cgroup freezer (v1) or cgroup2 mounted writable',
    },
    {
      name: 'noisy neighbour and --cpu-pinning (taskset)',
      status: caps.taskset ? 'ok' : 'warn',
      value: caps.taskset ? 'taskset found' : 'taskset not found; hogs and `run --cpu-pinning` run unpinned',
      fix: caps.taskset ? null : 'apt-get install -y util-linux',
    },
    {
      name: 'network namespaces (ip netns)',
      status: caps.netns.usable ? 'ok' : 'warn',
      value: caps.netns.usable ? 'usable' : (caps.netns.problem ?? 'unusable'),
      fix: caps.netns.usable ? null : 'apt-get install -y iproute2, and run as root',
    },
    {
      name: 'chromium (report screenshots)',
      status: caps.chromium ? 'ok' : 'warn',
      value: caps.chromium ?? 'not found',
      fix: caps.chromium ? null : 'apt-get install -y chromium',
    },
  ];
}

/** Judges the host; `need` are fault kinds the user will run, whose mechanisms then must work. */
export function doctorChecks(facts: HostFacts, need: readonly FaultKind[] = []): DoctorCheck[] {
  return [...sysctlChecks(facts.sysctl), openFileCheck(facts.openFileLimit), ...mechanismChecks(facts.caps, new Set(need))];
}
