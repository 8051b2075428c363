import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeaseBook } from '../../src/agent/lease-book.ts';
import { parseProcCgroup, podCgroupPath } from '../../src/agent/pod-processes.ts';
import { podLossScript } from '../../src/agent/pod-faults.ts';

describe('lease book', () => {
  it('a lease lives until its time, renewals extend it, an expired lease cannot be renewed', () => {
    const book = new LeaseBook();
    book.grant('a', 5000, 0);
    book.grant('b', 1000, 0);
    assert.deepEqual(book.takeExpired(999), []);
    assert.deepEqual(book.takeExpired(1000).map((l) => l.id), ['b']);
    assert.equal(book.renew('a', 5000, 4000)?.expiresAt, 9000);
    assert.deepEqual(book.takeExpired(8999), []);
    assert.equal(book.renew('a', 5000, 9000), null, 'renewing at the expiry instant is too late');
    assert.deepEqual(book.takeExpired(9000).map((l) => l.id), ['a']);
    assert.equal(book.renew('b', 1000, 1001), null, 'a lifted fault stays lifted');
  });
});

describe('pod processes', () => {
  const uid = '3f1c2a9e-5b7d-4c3e-9a1b-0c2d4e6f8a0b';
  it('finds the pod segment with the cgroupfs and the systemd driver', () => {
    assert.equal(podCgroupPath(`/meshbench-cluster/de/kubepods/besteffort/pod${uid}/abc123`, uid), `/meshbench-cluster/de/kubepods/besteffort/pod${uid}`);
    const sd = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-1.scope`;
    assert.equal(podCgroupPath(sd, uid), `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice`);
    assert.equal(podCgroupPath('/kubepods/besteffort/pod00000000-0000-0000-0000-000000000000/x', uid), null);
  });
  it('reads cgroup v1 lines per controller and the v2 line', () => {
    const m = parseProcCgroup('12:freezer:/a/b\n4:cpu,cpuacct:/c\n0::/d\n');
    assert.equal(m.get('freezer'), '/a/b');
    assert.equal(m.get('cpuacct'), '/c');
    assert.equal(m.get(''), '/d');
  });
});

describe('pod loss rules', () => {
  it('drop in both directions on the pod interface, numgen for loss, everything for a partition', () => {
    const loss = podLossScript('meshbench-x', 'eth0', [8080, 9090], 5, 'loss a->b');
    assert.match(loss, /type filter hook ingress device "eth0"/);
    assert.match(loss, /type filter hook egress device "eth0"/);
    assert.match(loss, /tcp dport \{ 8080, 9090 \} numgen random mod 100 < 5 drop/);
    assert.match(loss, /tcp sport \{ 8080, 9090 \} numgen random mod 100 < 5 drop/);
    assert.doesNotMatch(podLossScript('t', 'eth0', [80], 100, 'p'), /numgen/);
  });
});
