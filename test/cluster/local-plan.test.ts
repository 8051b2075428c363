// The local cluster's shape as data: what `cluster up` will create and start, checked without
// starting anything (the real cluster is exercised by local-cluster.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { controlPlane, nodeComponents } from '../../src/cluster/local/components.ts';
import { cniConfig, containerdConfig, kubeletConfig, kubeProxyConfig, nodeDirs } from '../../src/cluster/local/configs.ts';
import { launchArgv } from '../../src/cluster/local/daemon.ts';
import { parseLdd } from '../../src/cluster/local/image.ts';
import { clusterWideEntries } from '../../src/cluster/local/local-cluster.ts';
import { localLayout } from '../../src/cluster/local/layout.ts';
import { networkPlan } from '../../src/cluster/local/network.ts';
import { runIdOfName } from '../../src/runtime/ledger.ts';

const layout = localLayout('/state/local', '/run/mb');
const bin = { kubeDir: '/cache/k8s', etcd: '/usr/bin/etcd', containerd: '/usr/bin/containerd' };

describe('local cluster layout', () => {
  it('has two nodes in the seed zones with disjoint pod subnets, addresses on one link, and cluster-owned names', () => {
    assert.deepEqual(layout.nodes.map((n) => [n.name, n.zone]), [['meshbench-no', 'no'], ['meshbench-de', 'de']]);
    assert.notEqual(layout.nodes[0]!.podCidr, layout.nodes[1]!.podCidr);
    for (const n of layout.nodes) {
      assert.match(n.ip, /^10\.250\.0\.\d+$/);
      assert.ok(n.hostVeth.length <= 15, `${n.hostVeth} must fit an interface name`);
      // `meshbench clean` attributes these names to the cluster's ledger, never to a run's.
      assert.equal(runIdOfName(n.netns), 'cluster');
      for (const p of [n.dataDir, n.runDir]) assert.ok(p.startsWith('/state/local/') || p.startsWith('/run/mb/'));
    }
  });

  it('network plan: a bridge, then per node a namespace, a veth into it, addresses and routes to the other pod subnet', () => {
    const steps = networkPlan(layout);
    const created = steps.flatMap((s) => (s.creates ? [s.creates] : []));
    assert.deepEqual(created, [
      { kind: 'link', name: 'mbcluster0' },
      { kind: 'netns', name: 'meshbench-cluster-no' },
      { kind: 'netns', name: 'meshbench-cluster-de' },
    ]);
    const argv = steps.map((s) => s.argv.join(' '));
    // Every creating step comes before anything that uses it.
    assert.ok(argv.indexOf('ip netns add meshbench-cluster-no') < argv.findIndex((a) => a.includes('netns meshbench-cluster-no') && a.includes('veth')));
    assert.ok(argv.includes('ip -n meshbench-cluster-no route add 10.244.1.0/24 via 10.250.0.3 dev eth0'));
    assert.ok(argv.includes('ip -n meshbench-cluster-de route add 10.244.0.0/24 via 10.250.0.2 dev eth0'));
    assert.ok(argv.includes('ip route add 10.244.0.0/24 via 10.250.0.2 dev mbcluster0'));
    // No default route and no NAT out of the machine.
    assert.ok(!argv.some((a) => /route add default|0\.0\.0\.0\/0|masquerade/i.test(a)));
  });

  it('the control plane listens only on the cluster bridge and loopback; etcd on loopback', () => {
    const [etcd, apiserver, cm, scheduler] = controlPlane(layout, bin);
    assert.ok(etcd!.args.every((a) => !a.includes('://0.0.0.0')));
    assert.ok(etcd!.args.includes('--listen-client-urls=http://127.0.0.1:12379'));
    assert.ok(apiserver!.args.includes('--bind-address=10.250.0.1'));
    assert.ok(apiserver!.args.includes('--authorization-mode=Node,RBAC'));
    assert.ok(apiserver!.args.includes('--allow-privileged=true'), 'the chaos agent DaemonSet is privileged');
    for (const c of [cm!, scheduler!]) assert.ok(c.args.includes('--bind-address=127.0.0.1'), c.name);
    for (const c of [etcd!, apiserver!, cm!, scheduler!]) assert.equal(c.netns, null);
  });

  it('node processes run in the node namespace and cgroup, and share nothing with the other node', () => {
    const [no, de] = layout.nodes.map((n) => nodeComponents(layout, n, bin));
    for (const c of no!) assert.equal(c.netns, 'meshbench-cluster-no');
    for (const c of de!) assert.equal(c.netns, 'meshbench-cluster-de');
    assert.ok(no!.every((c) => c.cgroup.startsWith('meshbench-cluster/no/')));
    const argv = launchArgv(no![1]!);
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.ok(argv.includes('--net=/run/netns/meshbench-cluster-no'), 'nsenter --net only: the node keeps the host mount namespace, so kubelet mounts are visible to containerd');
    assert.ok(!argv.includes('--mount'));
    const kubelet = no![1]!;
    assert.ok(kubelet.args.includes('--node-labels=topology.kubernetes.io/zone=no,meshbench.dev/local-node=true'));
    const [nodeNo, nodeDe] = layout.nodes;
    const [cNo, cDe] = [containerdConfig(nodeNo!, '/usr/lib/cni'), containerdConfig(nodeDe!, '/usr/lib/cni')];
    for (const key of ['root', 'state']) {
      const re = new RegExp(`^${key} = "(.*)"$`, 'm');
      assert.notEqual(re.exec(cNo)![1], re.exec(cDe)![1], `containerd ${key} must differ between nodes`);
    }
    assert.match(cNo, /sandbox_image = "meshbench.local\/pause:dev"/);
    assert.match(cNo, /SystemdCgroup = false/);
  });

  it('kubelet: cgroupfs under the node cgroup, x509 + webhook auth, pod logs in the node directory', () => {
    const node = layout.nodes[1]!;
    const cfg = parse(kubeletConfig(layout, node, { ca: '/state/local/pki/ca.crt' }));
    assert.equal(cfg.cgroupDriver, 'cgroupfs');
    assert.equal(cfg.cgroupRoot, '/meshbench-cluster/de');
    assert.equal(cfg.authentication.anonymous.enabled, false);
    assert.equal(cfg.authorization.mode, 'Webhook');
    assert.equal(cfg.podLogsDir, nodeDirs(node).podLogs);
    assert.equal(cfg.address, node.ip);
    assert.equal(cfg.failCgroupV1, false, 'these machines run cgroup v1');
  });

  it('CNI: bridge with host-local IPAM from the node subnet, portmap for hostPort, no masquerade', () => {
    const cfg = JSON.parse(cniConfig(layout.nodes[0]!));
    const [bridge, portmap] = cfg.plugins;
    assert.equal(bridge.type, 'bridge');
    assert.equal(bridge.ipMasq, false);
    assert.deepEqual(bridge.ipam.ranges, [[{ subnet: '10.244.0.0/24' }]]);
    assert.equal(portmap.type, 'portmap');
    assert.deepEqual(portmap.capabilities, { portMappings: true });
  });

  it('kube-proxy: nftables mode, leaves the global conntrack sysctls alone', () => {
    const cfg = parse(kubeProxyConfig(layout, layout.nodes[0]!, '/k'));
    assert.equal(cfg.mode, 'nftables');
    assert.equal(cfg.conntrack.maxPerCore, 0);
    assert.equal(cfg.hostnameOverride, 'meshbench-no');
  });

  it('ledgers the cluster-wide state: its cgroup tree, mounts and directories', () => {
    const kinds = clusterWideEntries(layout).map((e) => e.kind);
    for (const k of ['cgroup-tree', 'mounts', 'pod-netns', 'directory', 'symlinks'] as const) assert.ok(kinds.includes(k), k);
  });

  it('reads the libraries a binary needs from ldd output', () => {
    const out = `\tlinux-vdso.so.1 (0x00007ffc)\n\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x1)\n\t/lib64/ld-linux-x86-64.so.2 (0x2)\n`;
    assert.deepEqual(parseLdd(out), ['/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });
});
