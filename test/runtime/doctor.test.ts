import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { register } from '../../src/cli/commands/doctor.ts';
import { runCommand } from '../../src/faults/run-command.ts';
import { doctorChecks, gatherHostFacts, parsePortRange, SYSCTLS, type HostFacts } from '../../src/runtime/doctor.ts';

const goodHost: HostFacts = {
  sysctl: { 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.ip_local_port_range': '15000 65000', 'net.core.somaxconn': '4096' },
  openFileLimit: 1_048_576,
  caps: {
    root: true,
    nft: { usable: true, problem: null },
    netns: { usable: true, problem: null },
    cgroup: { v1Controllers: ['freezer'], v2Writable: false, freezer: 1 },
    taskset: true,
    chromium: '/usr/bin/chromium',
  },
};
const statusOf = (facts: HostFacts, name: string, need: Parameters<typeof doctorChecks>[1] = []) =>
  doctorChecks(facts, need).find((c) => c.name.startsWith(name))!;

describe('doctorChecks', () => {
  it('passes a well-tuned, capable host', () => {
    assert.deepEqual(doctorChecks(goodHost).filter((c) => c.status !== 'ok'), []);
  });

  it('flags each sysctl with the command that fixes it', () => {
    const facts: HostFacts = {
      ...goodHost,
      sysctl: { 'net.ipv4.tcp_tw_reuse': '0', 'net.ipv4.ip_local_port_range': '60000 61000', 'net.core.somaxconn': '128' },
    };
    const tw = statusOf(facts, 'net.ipv4.tcp_tw_reuse');
    assert.equal(tw.status, 'warn');
    assert.match(tw.fix!, /sysctl -w net.ipv4.tcp_tw_reuse=1/);
    const range = statusOf(facts, 'net.ipv4.ip_local_port_range');
    assert.equal(range.status, 'fail');
    assert.equal(range.value, '60000 61000 (1001 ports)');
    assert.match(range.fix!, /ip_local_port_range/);
    assert.match(statusOf(facts, 'net.core.somaxconn').fix!, /somaxconn=4096/);
  });

  it('fails a tiny open-file limit', () => {
    const check = statusOf({ ...goodHost, openFileLimit: 1024 }, 'open-file limit');
    assert.equal(check.status, 'fail');
    assert.match(check.fix!, /ulimit -n 65536/);
  });

  it('a missing mechanism warns with its fix, and fails when the user needs it', () => {
    const noNft: HostFacts = { ...goodHost, caps: { ...goodHost.caps, nft: { usable: false, problem: 'nft is not installed' } } };
    const optional = statusOf(noNft, 'packet loss');
    assert.equal(optional.status, 'warn');
    assert.equal(optional.value, 'nft is not installed');
    assert.match(optional.fix!, /apt-get install -y nftables/);
    assert.equal(statusOf(noNft, 'packet loss', ['loss']).status, 'fail');
    const noTaskset = statusOf({ ...goodHost, caps: { ...goodHost.caps, taskset: false } }, 'noisy neighbour');
    assert.match(noTaskset.fix!, /util-linux/);
  });

  it('parses port ranges', () => {
    assert.deepEqual(parsePortRange('32768\t60999'), { low: 32768, high: 60999 });
    assert.equal(parsePortRange('60999 32768'), null);
    assert.equal(parsePortRange('abc'), null);
  });
});

describe('gatherHostFacts', () => {
  it('reads the same sysctl values and open-file limit as the system tools', async () => {
    const facts = await gatherHostFacts();
    for (const name of SYSCTLS) {
      const r = await runCommand('sysctl', ['-n', name]);
      if (r.code === 0) assert.equal(facts.sysctl[name], r.stdout.trim().split(/\s+/).join(' '), name);
    }
    const ulimit = (await runCommand('sh', ['-c', 'ulimit -n'])).stdout.trim();
    assert.equal(facts.openFileLimit, ulimit === 'unlimited' ? Infinity : Number(ulimit));
  });
});

describe('meshbench doctor', () => {
  it('prints a verdict per check and exits 3 only when a required check fails', async () => {
    const run = async (args: string[]) => {
      const program = new Command().exitOverride();
      register(program);
      let out = '';
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
      try {
        await program.parseAsync(['node', 'meshbench', 'doctor', ...args]);
      } finally {
        process.stdout.write = write;
      }
      const code = process.exitCode;
      process.exitCode = undefined;
      return { out, code };
    };
    const checks = doctorChecks(await gatherHostFacts(), ['loss']);
    const { out, code } = await run(['--need', 'loss']);
    for (const c of checks) assert.match(out, new RegExp(`^${c.status}\\s+${c.name.replace(/[()/]/g, '\\$&')}: `, 'm'));
    assert.equal(code, checks.some((c) => c.status === 'fail') ? 3 : 0);
    assert.equal((await run(['--need', 'teleport'])).code, 2);
  });
});
