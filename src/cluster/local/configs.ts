// Why: the configuration files of the local cluster's components as pure functions of the
// layout (and, for kubeconfigs, the certificate bytes), so a test can check them as data:
// every node gets its own containerd (root, state, socket, CNI network), kubelet (cgroup root,
// pod logs, zone label) and kube-proxy (nftables mode) inside its own network namespace.
import path from 'node:path';
import { stringify } from 'yaml';
import { apiserverUrl, containerdSocket, PAUSE_IMAGE, type LocalLayout, type LocalNode } from './layout.ts';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  user: string;
  contextName: string;
}

export function kubeconfig(input: KubeconfigInput): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'meshbench-local', cluster: { server: input.server, 'certificate-authority-data': b64(input.caPem) } }],
    users: [{ name: input.user, user: { 'client-certificate-data': b64(input.certPem), 'client-key-data': b64(input.keyPem) } }],
    contexts: [{ name: input.contextName, context: { cluster: 'meshbench-local', user: input.user } }],
    'current-context': input.contextName,
  });
}

export function nodeDirs(node: LocalNode) {
  return {
    containerdRoot: path.join(node.dataDir, 'containerd'),
    containerdState: path.join(node.runDir, 'containerd'),
    runcRoot: path.join(node.runDir, 'runc'),
    kubeletRoot: path.join(node.dataDir, 'kubelet'),
    podLogs: path.join(node.dataDir, 'pod-logs'),
    cniConf: path.join(node.dataDir, 'cni', 'net.d'),
    cniState: path.join(node.dataDir, 'cni', 'networks'),
    volumePlugins: path.join(node.dataDir, 'volume-plugins'),
  };
}

/** containerd 1.6 (Debian) configuration for one node: nothing shared with another containerd. */
export function containerdConfig(node: LocalNode, cniBinDir: string): string {
  const dirs = nodeDirs(node);
  const q = (s: string) => JSON.stringify(s);
  return `version = 2
root = ${q(dirs.containerdRoot)}
state = ${q(dirs.containerdState)}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${q(containerdSocket(node))}

[ttrpc]
  address = ${q(path.join(node.runDir, 'containerd-ttrpc.sock'))}

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${q(PAUSE_IMAGE)}
  enable_selinux = false
  # Sandboxes ask for oom_score_adj -998; lowering it needs CAP_SYS_RESOURCE, which some hosts
  # (these VMs among them) do not grant even to root. Never go below containerd's own value.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = ${q(dirs.runcRoot)}
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${q(cniBinDir)}
    conf_dir = ${q(dirs.cniConf)}
`;
}

/** CNI: a bridge per node with host-local addresses from the node's pod subnet; portmap for
 * hostPort (the proxy DaemonSet's 4140). No masquerade: nothing in the cluster talks outside it. */
export function cniConfig(node: LocalNode): string {
  const dirs = nodeDirs(node);
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'meshbench',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', dataDir: dirs.cniState, ranges: [[{ subnet: node.podCidr }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      ],
    },
    null,
    2,
  )}\n`;
}

/** KubeletConfiguration: cgroupfs under the node's own cgroup, x509 + webhook auth, no swap or
 * disk-pressure surprises on a shared development machine. */
export function kubeletConfig(layout: LocalLayout, node: LocalNode, pki: { ca: string }): string {
  const dirs = nodeDirs(node);
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: node.ip,
    port: 10250,
    healthzBindAddress: '127.0.0.1',
    readOnlyPort: 0,
    // The default -999 needs CAP_SYS_RESOURCE; a development machine's kubelet does not need it.
    oomScoreAdj: 0,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: pki.ca } },
    authorization: { mode: 'Webhook' },
    cgroupDriver: 'cgroupfs',
    cgroupRoot: `/${node.cgroup}`,
    cgroupsPerQOS: true,
    containerRuntimeEndpoint: `unix://${containerdSocket(node)}`,
    podLogsDir: dirs.podLogs,
    failSwapOn: false,
    failCgroupV1: false,
    resolvConf: '',
    clusterDomain: 'cluster.local',
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    serializeImagePulls: false,
    registerNode: true,
    maxPods: 60,
    protectKernelDefaults: false,
    makeIPTablesUtilChains: false,
    localStorageCapacityIsolation: false,
    volumePluginDir: dirs.volumePlugins,
    syncFrequency: '10s',
    nodeStatusUpdateFrequency: '5s',
    staticPodPath: '',
    rotateCertificates: false,
    serverTLSBootstrap: false,
  }).replace(/^/, `# meshbench local cluster, node ${node.name} (zone ${node.zone}), API server ${apiserverUrl(layout)}\n`);
}

/** KubeProxyConfiguration: nftables mode in the node's namespace; conntrack sysctls are global,
 * so kube-proxy must not touch them. */
export function kubeProxyConfig(layout: LocalLayout, node: LocalNode, kubeconfigPath: string): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'nftables',
    clientConnection: { kubeconfig: kubeconfigPath },
    hostnameOverride: node.name,
    bindAddress: node.ip,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    clusterCIDR: '10.244.0.0/16',
    oomScoreAdj: 0,
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    nodePortAddresses: [`${node.ip}/32`],
  }).replace(/^/, `# meshbench local cluster, node ${node.name}, services ${layout.serviceCidr}\n`);
}
