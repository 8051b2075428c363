// Why: every name, address, port and path of the local cluster in one pure value, so the
// configuration files, the process arguments and the cleanup all agree, and a test can read
// the whole shape without starting anything. Names start with `meshbench-cluster` so that
// `meshbench clean` recognises them (the cluster's ledger is the run "cluster").
import os from 'node:os';
import path from 'node:path';
import { CLUSTER_RUN_ID } from '../../runtime/ledger.ts';

export const CLUSTER_LEDGER_ID = CLUSTER_RUN_ID;
export const KUBERNETES_VERSION = 'v1.34.4';
export const IMAGE = 'meshbench:dev';
export const PAUSE_IMAGE = 'meshbench.local/pause:dev';

export interface LocalNode {
  /** Kubernetes node name. */
  name: string;
  /** topology.kubernetes.io/zone label (the seed's compliant `no` and non-compliant `de`). */
  zone: string;
  /** The node's network namespace (its own network stack: pods, kube-proxy rules, hostPorts). */
  netns: string;
  /** Host end of the veth pair that joins the node to the cluster bridge. */
  hostVeth: string;
  /** The node's address on the cluster bridge (its InternalIP). */
  ip: string;
  /** The node's pod subnet (host-local IPAM on its CNI bridge). */
  podCidr: string;
  /** Node-local state: containerd root, kubelet root, pod logs, CNI state. */
  dataDir: string;
  /** Node-local sockets and runtime state (kept short: unix socket paths are limited to 108 bytes). */
  runDir: string;
  /** The node's cgroup, relative to each hierarchy's root: its runtime processes and pods live under it. */
  cgroup: string;
}

export interface LocalLayout {
  /** Everything persistent: certificates, kubeconfigs, etcd data, logs, node state. */
  stateDir: string;
  runDir: string;
  kubeconfig: string;
  pkiDir: string;
  logDir: string;
  etcdDataDir: string;
  /** The bridge on the host that the nodes' veths join; the control plane listens on its address. */
  bridge: string;
  bridgeIp: string;
  linkPrefixLength: number;
  apiserverPort: number;
  etcdClientPort: number;
  etcdPeerPort: number;
  serviceCidr: string;
  /** First address of the service range: the `kubernetes` Service's ClusterIP. */
  kubernetesServiceIp: string;
  /** Control-plane processes' cgroup. */
  controlPlaneCgroup: string;
  /** Parent of every cgroup the cluster creates. */
  cgroupRoot: string;
  nodes: LocalNode[];
}

export const ZONES = ['no', 'de'] as const;

export function localLayout(stateDir = path.join(os.homedir(), '.meshbench', 'local'), runDir = '/run/meshbench-cluster'): LocalLayout {
  const nodes = ZONES.map((zone, i): LocalNode => ({
    name: `meshbench-${zone}`,
    zone,
    netns: `meshbench-cluster-${zone}`,
    hostVeth: `mbcluster-${zone}`,
    ip: `10.250.0.${i + 2}`,
    podCidr: `10.244.${i}.0/24`,
    dataDir: path.join(stateDir, 'nodes', zone),
    runDir: path.join(runDir, zone),
    cgroup: `meshbench-cluster/${zone}`,
  }));
  return {
    stateDir,
    runDir,
    kubeconfig: path.join(stateDir, 'kubeconfig'),
    pkiDir: path.join(stateDir, 'pki'),
    logDir: path.join(stateDir, 'logs'),
    etcdDataDir: path.join(stateDir, 'etcd'),
    bridge: 'mbcluster0',
    bridgeIp: '10.250.0.1',
    linkPrefixLength: 24,
    apiserverPort: 6443,
    etcdClientPort: 12379,
    etcdPeerPort: 12380,
    serviceCidr: '10.96.0.0/16',
    kubernetesServiceIp: '10.96.0.1',
    controlPlaneCgroup: 'meshbench-cluster/control-plane',
    cgroupRoot: 'meshbench-cluster',
    nodes,
  };
}

export function apiserverUrl(layout: LocalLayout): string {
  return `https://${layout.bridgeIp}:${layout.apiserverPort}`;
}

export function containerdSocket(node: LocalNode): string {
  return path.join(node.runDir, 'containerd.sock');
}
