// Why: `meshbench cluster up --provider local` — a real two-node Kubernetes made of upstream
// parts on this machine, with no Docker engine: build (cached), certificates, the nodes'
// network, etcd and the control plane, then per node containerd (images imported without a
// registry), kubelet and kube-proxy; it ends when the API server reports both nodes Ready.
// Every piece is ledgered before it exists (ledger "cluster"); once up, the ledger belongs to
// the API server process, so `meshbench clean` leaves a healthy cluster alone and removes a
// broken one, and Ctrl-C during `up` removes everything.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { environmentError } from '../../core/errors.ts';
import { mustRun } from '../../faults/run-command.ts';
import { cleanLeftovers, installCleanupHandlers, type CleanReport } from '../../runtime/clean.ts';
import { isAlive, Ledger, readLedgers, type LedgerEntry } from '../../runtime/ledger.ts';
import { bundleEntries } from '../../build/bundle.ts';
import { repoPath } from '../../runtime/child.ts';
import { listNodes, loadKubeConfig, waitForNodesReady, type NodeSummary } from '../kube-client.ts';
import { cacheDir } from '../../runtime/cache-dir.ts';
import { buildKubernetes, buildPause } from './build.ts';
import { componentKubeconfigPath, controlPlane, nodeComponents, type Binaries, type ComponentSpec } from './components.ts';
import { cniConfig, containerdConfig, kubeconfig, kubeletConfig, kubeProxyConfig, nodeDirs } from './configs.ts';
import { startDaemon } from './daemon.ts';
import { assembleImage, meshbenchImageSpec, pauseImageSpec, which } from './image.ts';
import { apiserverUrl, CLUSTER_LEDGER_ID, containerdSocket, PAUSE_IMAGE, type LocalLayout } from './layout.ts';
import { configureNodeSysctls, networkPlan, runNetworkPlan } from './network.ts';
import { certPath, ensurePki } from './pki.ts';

export const CNI_BIN_DIR = '/usr/lib/cni';
const READY_TIMEOUT_MS = 180_000;

export interface UpResult {
  kubeconfig: string;
  context: string;
  nodes: NodeSummary[];
  alreadyUp: boolean;
  seconds: number;
}

export type ClusterState = { state: 'down' } | { state: 'up'; apiserverPid: number } | { state: 'broken'; reason: string };

/** What the cluster ledger says: up (its API server runs), broken (it does not), or down. */
export function clusterState(): ClusterState {
  const file = readLedgers(CLUSTER_LEDGER_ID)[0];
  if (!file) return { state: 'down' };
  if (isAlive(file.owner)) return { state: 'up', apiserverPid: file.owner.pid };
  return { state: 'broken', reason: `its owner (pid ${file.owner.pid}) is gone: an interrupted \`cluster up\` or a crashed API server` };
}

function httpsGet(url: string, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ...tls, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Waits until `probe` resolves true; the component's log tail explains a failure. */
async function waitUntil(what: string, logFile: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = existsSync(logFile) ? (await readFile(logFile, 'utf8')).split('\n').slice(-15).join('\n') : '(no log)';
  throw environmentError('E_CLUSTER_START', `${what} did not become ready within ${timeoutMs / 1000} s; last lines of ${logFile}:\n${tail}`, 'Run `meshbench doctor` for what the local cluster needs; `meshbench cluster down` removes what was started.');
}

async function writeKubeconfigs(layout: LocalLayout): Promise<void> {
  const ca = await readFile(certPath(layout, 'ca', 'crt'), 'utf8');
  const make = async (certName: string, user: string) =>
    kubeconfig({
      server: apiserverUrl(layout),
      caPem: ca,
      certPem: await readFile(certPath(layout, certName, 'crt'), 'utf8'),
      keyPem: await readFile(certPath(layout, certName, 'key'), 'utf8'),
      user,
      contextName: 'meshbench-local',
    });
  await mkdir(path.dirname(componentKubeconfigPath(layout, 'x')), { recursive: true });
  await writeFile(layout.kubeconfig, await make('admin', 'meshbench-admin'), { mode: 0o600 });
  for (const id of ['controller-manager', 'scheduler', 'kube-proxy', ...layout.nodes.map((n) => `kubelet-${n.zone}`)]) {
    await writeFile(componentKubeconfigPath(layout, id), await make(id, id), { mode: 0o600 });
  }
}

async function writeNodeConfigs(layout: LocalLayout): Promise<void> {
  const ca = certPath(layout, 'ca', 'crt');
  for (const node of layout.nodes) {
    const dirs = nodeDirs(node);
    for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
    await mkdir(node.runDir, { recursive: true });
    await writeFile(path.join(node.dataDir, 'containerd.toml'), containerdConfig(node, CNI_BIN_DIR));
    await writeFile(path.join(dirs.cniConf, '10-meshbench.conflist'), cniConfig(node));
    await writeFile(path.join(node.dataDir, 'kubelet.yaml'), kubeletConfig(layout, node, { ca }));
    await writeFile(path.join(node.dataDir, 'kube-proxy.yaml'), kubeProxyConfig(layout, node, componentKubeconfigPath(layout, 'kube-proxy')));
  }
}

/** The host state the cluster owns as a whole, recorded before anything is created. */
export function clusterWideEntries(layout: LocalLayout): LedgerEntry[] {
  const entries: LedgerEntry[] = [
    { kind: 'cgroup-tree', relative: layout.cgroupRoot },
    { kind: 'mounts', under: layout.stateDir },
    { kind: 'mounts', under: layout.runDir },
    { kind: 'pod-netns', addressPrefixes: ['10.244.'] },
    { kind: 'directory', path: layout.runDir },
    { kind: 'directory', path: layout.stateDir },
    { kind: 'symlinks', dir: '/var/log/containers', target: layout.stateDir },
  ];
  if (!existsSync('/var/log/containers')) entries.push({ kind: 'directory-if-empty', path: '/var/log/containers' });
  return entries;
}

export interface UpOptions {
  layout: LocalLayout;
  onProgress: (line: string) => void;
}

export async function localClusterUp({ layout, onProgress }: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const state = clusterState();
  if (state.state === 'up') {
    // Up already: bring the meshbench image up to date with this checkout (a no-op when unchanged).
    await importImages(layout, await assembleImages(onProgress), onProgress);
    const nodes = await listNodes(loadKubeConfig(layout.kubeconfig));
    return { kubeconfig: layout.kubeconfig, context: 'meshbench-local', nodes, alreadyUp: true, seconds: (Date.now() - started) / 1000 };
  }
  if (state.state === 'broken') {
    onProgress(`removing a broken local cluster first (${state.reason})`);
    await cleanLeftovers({ runId: CLUSTER_LEDGER_ID, force: true });
  }

  onProgress('building Kubernetes components (cached after the first build)…');
  const kubeDir = await buildKubernetes((line) => onProgress(`  go: ${line}`));
  const bin: Binaries = { kubeDir, etcd: which('etcd'), containerd: which('containerd') };
  const images = await assembleImages(onProgress);

  const ledger = Ledger.open(CLUSTER_LEDGER_ID);
  const uninstall = installCleanupHandlers(async () => {
    onProgress('interrupted: removing everything `cluster up` started…');
    ledger.close();
    await cleanLeftovers({ runId: CLUSTER_LEDGER_ID, force: true });
  });
  try {
    for (const entry of clusterWideEntries(layout)) ledger.record(entry);
    await mkdir(layout.logDir, { recursive: true });
    onProgress('certificates and kubeconfigs…');
    await ensurePki(layout);
    await writeKubeconfigs(layout);
    await writeNodeConfigs(layout);
    onProgress('network: bridge, node namespaces, veths, routes…');
    await runNetworkPlan(networkPlan(layout), (entry) => ledger.record(entry));
    await configureNodeSysctls(layout);

    const start = (spec: ComponentSpec) => {
      const d = startDaemon(spec);
      ledger.record({ kind: 'process', pid: d.pid, startTime: d.startTime });
      return d;
    };
    const tls = {
      ca: await readFile(certPath(layout, 'ca', 'crt')),
      cert: await readFile(certPath(layout, 'admin', 'crt')),
      key: await readFile(certPath(layout, 'admin', 'key')),
    };
    const [etcd, apiserver, ...controllers] = controlPlane(layout, bin);
    onProgress('control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler…');
    start(etcd!);
    await waitUntil('etcd', etcd!.logFile, 30_000, async () => (await fetch(`http://127.0.0.1:${layout.etcdClientPort}/health`)).ok);
    const apiserverDaemon = start(apiserver!);
    await waitUntil('kube-apiserver', apiserver!.logFile, 90_000, async () => (await httpsGet(`${apiserverUrl(layout)}/readyz`, tls)).status === 200);
    for (const c of controllers) start(c);

    for (const node of layout.nodes) {
      onProgress(`node ${node.name} (zone ${node.zone}): containerd, images, kubelet, kube-proxy…`);
      const [containerd, ...rest] = nodeComponents(layout, node, bin);
      start(containerd!);
      await waitUntil(`containerd on ${node.name}`, containerd!.logFile, 30_000, async () => existsSync(containerdSocket(node)));
      for (const c of rest) start(c);
    }
    await importImages(layout, images, onProgress);

    onProgress('waiting for both nodes to be Ready…');
    const kc = loadKubeConfig(layout.kubeconfig);
    const nodes = await waitForNodesReady(kc, layout.nodes.map((n) => n.name), READY_TIMEOUT_MS).catch(async (err: Error) => {
      const logs = layout.nodes.map((n) => path.join(layout.logDir, `kubelet-${n.zone}.log`)).join(', ');
      throw environmentError('E_CLUSTER_START', `${err.message}`, `See the kubelet logs (${logs}); \`meshbench cluster down\` removes what was started.`);
    });
    // From here on the cluster lives as long as its API server does.
    ledger.handOver({ pid: apiserverDaemon.pid, startTime: apiserverDaemon.startTime });
    ledger.close();
    return { kubeconfig: layout.kubeconfig, context: 'meshbench-local', nodes, alreadyUp: false, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    onProgress('cluster up failed: removing everything it started…');
    ledger.close();
    const report = await cleanLeftovers({ runId: CLUSTER_LEDGER_ID, force: true });
    if (report.failed.length > 0) onProgress(`could not remove: ${report.failed.join('; ')}`);
    throw err;
  } finally {
    uninstall();
  }
}

/** Bundles this checkout and assembles the meshbench and pause images (cached by content). */
async function assembleImages(onProgress: (line: string) => void): Promise<string[]> {
  onProgress('bundling meshbench and assembling images…');
  const distDir = repoPath('dist');
  await bundleEntries(distDir);
  return [
    await assembleImage(meshbenchImageSpec(distDir), path.join(cacheDir(), 'images')),
    await assembleImage(pauseImageSpec(await buildPause(), PAUSE_IMAGE), path.join(cacheDir(), 'images')),
  ];
}

/** Imports the image archives into every node's containerd, skipping those already imported
 * (their file names carry their content key). */
async function importImages(layout: LocalLayout, images: string[], onProgress: (line: string) => void): Promise<void> {
  for (const node of layout.nodes) {
    const marker = path.join(node.dataDir, 'imported-images.json');
    const done: string[] = existsSync(marker) ? (JSON.parse(await readFile(marker, 'utf8')) as string[]) : [];
    for (const image of images.filter((i) => !done.includes(path.basename(i)))) {
      onProgress(`importing ${path.basename(image)} into ${node.name}…`);
      await mustRun('ctr', ['--address', containerdSocket(node), '-n', 'k8s.io', 'images', 'import', image], undefined, 300_000);
      done.push(path.basename(image));
    }
    await writeFile(marker, JSON.stringify(done));
  }
}

export async function localClusterDown(): Promise<CleanReport> {
  return cleanLeftovers({ runId: CLUSTER_LEDGER_ID, force: true });
}
