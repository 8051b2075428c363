// Why: how each process of the local cluster is started — binary, arguments, network
// namespace, cgroup and log file — as data, in start order. The control plane runs on the
// host (listening on the cluster bridge and loopback only); each node's containerd, kubelet
// and kube-proxy run in the node's network namespace and the node's cgroup, so a DaemonSet
// has one pod per node and each node has its own network stack.
import path from 'node:path';
import { certPath } from './pki.ts';
import { nodeDirs } from './configs.ts';
import type { LocalLayout, LocalNode } from './layout.ts';

export interface ComponentSpec {
  /** Unique, e.g. "kube-apiserver" or "kubelet-de". */
  name: string;
  command: string;
  args: string[];
  /** Network namespace to run in; null for the host's. */
  netns: string | null;
  /** cgroup (relative to each hierarchy's root) the process and its children start in. */
  cgroup: string;
  logFile: string;
  /** Files the component reads that `up` writes first. */
  configFiles: Record<string, string>;
}

export interface Binaries {
  /** Directory with kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy. */
  kubeDir: string;
  etcd: string;
  containerd: string;
}

export function componentKubeconfigPath(layout: LocalLayout, identity: string): string {
  return path.join(layout.stateDir, 'kubeconfigs', `${identity}.kubeconfig`);
}

export function controlPlane(layout: LocalLayout, bin: Binaries): ComponentSpec[] {
  const pki = (name: string, ext: 'crt' | 'key') => certPath(layout, name, ext);
  const log = (name: string) => path.join(layout.logDir, `${name}.log`);
  const etcdUrl = `http://127.0.0.1:${layout.etcdClientPort}`;
  const common = { netns: null, cgroup: layout.controlPlaneCgroup, configFiles: {} };
  return [
    {
      ...common,
      name: 'etcd',
      command: bin.etcd,
      args: [
        '--name=meshbench-local',
        `--data-dir=${layout.etcdDataDir}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${layout.etcdPeerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${layout.etcdPeerPort}`,
        `--initial-cluster=meshbench-local=http://127.0.0.1:${layout.etcdPeerPort}`,
        '--quota-backend-bytes=1073741824',
        '--snapshot-count=10000',
      ],
      logFile: log('etcd'),
    },
    {
      ...common,
      name: 'kube-apiserver',
      command: path.join(bin.kubeDir, 'kube-apiserver'),
      args: [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${layout.bridgeIp}`,
        `--advertise-address=${layout.bridgeIp}`,
        `--secure-port=${layout.apiserverPort}`,
        `--service-cluster-ip-range=${layout.serviceCidr}`,
        `--tls-cert-file=${pki('apiserver', 'crt')}`,
        `--tls-private-key-file=${pki('apiserver', 'key')}`,
        `--client-ca-file=${pki('ca', 'crt')}`,
        `--kubelet-client-certificate=${pki('apiserver-kubelet-client', 'crt')}`,
        `--kubelet-client-key=${pki('apiserver-kubelet-client', 'key')}`,
        '--kubelet-preferred-address-types=InternalIP',
        `--service-account-key-file=${path.join(layout.pkiDir, 'service-account.pub')}`,
        `--service-account-signing-key-file=${pki('service-account', 'key')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--authorization-mode=Node,RBAC',
        '--allow-privileged=true',
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        '--event-ttl=10m',
      ],
      logFile: log('kube-apiserver'),
    },
    {
      ...common,
      name: 'kube-controller-manager',
      command: path.join(bin.kubeDir, 'kube-controller-manager'),
      args: [
        `--kubeconfig=${componentKubeconfigPath(layout, 'controller-manager')}`,
        `--authentication-kubeconfig=${componentKubeconfigPath(layout, 'controller-manager')}`,
        `--authorization-kubeconfig=${componentKubeconfigPath(layout, 'controller-manager')}`,
        '--bind-address=127.0.0.1',
        `--service-account-private-key-file=${pki('service-account', 'key')}`,
        `--root-ca-file=${pki('ca', 'crt')}`,
        '--use-service-account-credentials=true',
        '--leader-elect=false',
        `--service-cluster-ip-range=${layout.serviceCidr}`,
        '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-ephemeral-volume,-pvc-protection,-pv-protection',
        '--profiling=false',
      ],
      logFile: log('kube-controller-manager'),
    },
    {
      ...common,
      name: 'kube-scheduler',
      command: path.join(bin.kubeDir, 'kube-scheduler'),
      args: [
        `--kubeconfig=${componentKubeconfigPath(layout, 'scheduler')}`,
        `--authentication-kubeconfig=${componentKubeconfigPath(layout, 'scheduler')}`,
        `--authorization-kubeconfig=${componentKubeconfigPath(layout, 'scheduler')}`,
        '--bind-address=127.0.0.1',
        '--leader-elect=false',
        '--profiling=false',
      ],
      logFile: log('kube-scheduler'),
    },
  ];
}

export function nodeComponents(layout: LocalLayout, node: LocalNode, bin: Binaries): ComponentSpec[] {
  const dirs = nodeDirs(node);
  const log = (name: string) => path.join(layout.logDir, `${name}-${node.zone}.log`);
  const conf = (file: string) => path.join(node.dataDir, file);
  const common = { netns: node.netns, cgroup: `${node.cgroup}/runtime` };
  return [
    {
      ...common,
      name: `containerd-${node.zone}`,
      command: bin.containerd,
      args: ['--config', conf('containerd.toml')],
      logFile: log('containerd'),
      configFiles: { 'containerd.toml': conf('containerd.toml'), 'cni.conflist': path.join(dirs.cniConf, '10-meshbench.conflist') },
    },
    {
      ...common,
      name: `kubelet-${node.zone}`,
      command: path.join(bin.kubeDir, 'kubelet'),
      args: [
        `--config=${conf('kubelet.yaml')}`,
        `--kubeconfig=${componentKubeconfigPath(layout, `kubelet-${node.zone}`)}`,
        `--root-dir=${dirs.kubeletRoot}`,
        `--cert-dir=${path.join(dirs.kubeletRoot, 'pki')}`,
        `--hostname-override=${node.name}`,
        `--node-ip=${node.ip}`,
        `--node-labels=topology.kubernetes.io/zone=${node.zone},meshbench.dev/local-node=true`,
      ],
      logFile: log('kubelet'),
      configFiles: { 'kubelet.yaml': conf('kubelet.yaml') },
    },
    {
      ...common,
      name: `kube-proxy-${node.zone}`,
      command: path.join(bin.kubeDir, 'kube-proxy'),
      args: [`--config=${conf('kube-proxy.yaml')}`],
      logFile: log('kube-proxy'),
      configFiles: { 'kube-proxy.yaml': conf('kube-proxy.yaml') },
    },
  ];
}
