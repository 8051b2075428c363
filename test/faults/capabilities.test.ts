import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkFaultSupport, detectCapabilities, requiredMechanisms, type Capabilities } from '../../src/faults/capabilities.ts';
import { runCommand } from '../../src/faults/run-command.ts';
import type { FaultSpec } from '../../src/scenario/types.ts';

const base = { target: { kind: 'service', service: 'user-service', replica: null }, atMs: 0, durationMs: 1000 } as const;
const loss: FaultSpec = { ...base, name: 'loss 5%', kind: 'loss', percent: 5, allowEmulation: false };
const partition: FaultSpec = { ...base, name: 'split', kind: 'partition', allowEmulation: false };
const steal: FaultSpec = { ...base, name: 'steal', kind: 'cpu-steal', percent: 20, periodMs: 100 };
const lock: FaultSpec = { ...base, name: 'lock', kind: 'db-lock' };
const jitter: FaultSpec = { ...base, name: 'jitter', kind: 'latency', attributes: { latency: 30, jitter: 10 }, toxicity: 1, stream: 'downstream' };

const capable: Capabilities = {
  root: true,
  nft: { usable: true, problem: null },
  netns: { usable: true, problem: null },
  cgroup: { v1Controllers: ['cpu', 'freezer'], v2Writable: true, freezer: 1 },
  taskset: true,
  chromium: '/usr/bin/chromium',
};

describe('checkFaultSupport', () => {
  it('accepts every fault on a capable machine', () => {
    assert.deepEqual(checkFaultSupport([loss, partition, steal, lock, jitter], capable), []);
  });

  it('refuses loss and partition without nftables, naming the fault and the fix', () => {
    const caps = { ...capable, nft: { usable: false, problem: 'nft is not installed' } };
    const problems = checkFaultSupport([loss, partition, steal], caps);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^loss 5%: packet loss needs nftables \(nft is not installed\): apt-get install -y nftables/);
    assert.match(problems[1]!, /^split: a partition needs nftables/);
  });

  it('refuses loss without root, even when emulation is allowed: there is no emulation to fake it with', () => {
    const caps = { ...capable, root: false };
    assert.match(checkFaultSupport([loss], caps)[0]!, /needs root/);
    assert.match(checkFaultSupport([{ ...loss, allowEmulation: true }], caps)[0]!, /needs root .*no labelled emulation/);
  });

  it('never refuses cpu steal: without a freezer it runs on signals', () => {
    assert.deepEqual(checkFaultSupport([steal], { ...capable, root: false, cgroup: { v1Controllers: [], v2Writable: false, freezer: null } }), []);
  });
});

describe('requiredMechanisms', () => {
  it('groups faults by the mechanism they need', () => {
    assert.deepEqual(requiredMechanisms([loss, steal, partition, jitter, lock]), [
      { mechanism: 'nftables', faults: ['loss 5%', 'split'] },
      { mechanism: 'cpu-freeze', faults: ['steal'] },
      { mechanism: 'toxiproxy', faults: ['jitter'] },
      { mechanism: 'in-process', faults: ['lock'] },
    ]);
  });
});

describe('detectCapabilities', () => {
  it('reports this machine as it is', async () => {
    const caps = await detectCapabilities();
    assert.equal(caps.root, process.getuid!() === 0);
    const hasNft = (await runCommand('nft', ['--version'])).code === 0;
    assert.equal(caps.nft.usable, hasNft && caps.root);
    if (!caps.nft.usable) assert.ok(caps.nft.problem);
    assert.equal(caps.taskset, (await runCommand('taskset', ['--version'])).code === 0);
  });
});
