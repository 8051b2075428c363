// Why: in a cluster the proxy learns its endpoints the way Kubernetes' own proxies do — by
// watching, never polling: one client-node informer (list, then watch from that version) over
// the run namespace's EndpointSlices of the proxy's destinations, one over Nodes for their
// zones. Any change re-derives the endpoint sets (endpoint-slices.ts, pure) and hands them on.
// A list or watch that fails is re-established after a capped exponential wait; the informer
// resumes from its last resource version, or lists again when that has expired (410).
import { CoreV1Api, DiscoveryV1Api, KubeConfig, makeInformer, type Informer, type KubernetesObject, type ObjectCache, type V1EndpointSlice, type V1Node } from '@kubernetes/client-node';
import type { KubernetesDiscoveryConfig } from '../config.ts';
import { endpointsFromSlices, SERVICE_NAME_LABEL } from './endpoint-slices.ts';
import type { EndpointSource } from './endpoint-source.ts';

export interface KubernetesSourceDeps {
  /** A loaded kubeconfig; default: config.kubeconfig, else the in-cluster service account or the usual lookup. */
  kubeConfig?: KubeConfig;
  /** Where problems are reported (the proxy's stderr). */
  log?: (line: string) => void;
  /** Wait before re-establishing a failed list or watch, by consecutive failure (0, 1, …). */
  retryDelayMs?: (failures: number) => number;
}

/** 0.5 s, 1 s, 2 s … capped at 30 s. */
export function backoffMs(failures: number): number {
  return Math.min(30_000, 500 * 2 ** failures);
}

export function loadKubeConfig(file: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  return kc;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  const status = (err as { statusCode?: number; code?: number } | null)?.statusCode ?? (err as { code?: number } | null)?.code;
  return status ? `HTTP ${status}` : String(err);
}

type Watched<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

export function kubernetesEndpointSource(config: KubernetesDiscoveryConfig, deps: KubernetesSourceDeps = {}): EndpointSource {
  if (config.services.length === 0) throw new Error('kubernetes discovery needs at least one service to watch');
  const kc = deps.kubeConfig ?? loadKubeConfig(config.kubeconfig);
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const retryDelayMs = deps.retryDelayMs ?? backoffMs;
  const { namespace } = config;
  const discoveryApi = kc.makeApiClient(DiscoveryV1Api);
  const coreApi = kc.makeApiClient(CoreV1Api);
  const selector = `${SERVICE_NAME_LABEL} in (${[...config.services].sort().join(',')})`;
  const timers = new Set<NodeJS.Timeout>();
  const informers: Array<Watched<KubernetesObject>> = [];
  let stopped = false;

  /** Keeps one informer running; resolves the first time its list succeeded. */
  const keepWatching = <T extends KubernetesObject>(what: string, make: (list: () => Promise<{ items: T[] }>) => Watched<T>, list: () => Promise<{ items: T[] }>) =>
    new Promise<Watched<T>>((synced) => {
      let failures = 0;
      let listed = false;
      const informer = make(async () => {
        const result = await list();
        failures = 0;
        listed = true;
        return result;
      });
      informers.push(informer as unknown as Watched<KubernetesObject>);
      const retry = (err: unknown) => {
        if (stopped) return;
        const wait = retryDelayMs(failures++);
        log(`meshbench proxy: watching ${what} failed (${describe(err)}); trying again in ${wait} ms`);
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!stopped) void run();
        }, wait);
        timers.add(timer);
      };
      const run = async () => {
        // start() returns after listing and opening the watch; a failure there goes to 'error'.
        await informer.start().catch(retry);
        if (listed) synced(informer);
      };
      informer.on('error', retry);
      void run();
    });

  return {
    async start(update) {
      let ready = false;
      const slicesPath = `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`;
      const slicesSynced = keepWatching<V1EndpointSlice>(
        `EndpointSlices in ${namespace}`,
        (list) => makeInformer(kc, slicesPath, list, selector),
        () => discoveryApi.listNamespacedEndpointSlice({ namespace, labelSelector: selector }),
      );
      const nodesSynced = keepWatching<V1Node>('Nodes', (list) => makeInformer(kc, '/api/v1/nodes', list), () => coreApi.listNode());
      const [slices, nodes] = await Promise.all([slicesSynced, nodesSynced]);
      const publish = () => {
        if (ready && !stopped) update(endpointsFromSlices(slices.list(namespace), nodes.list(), config));
      };
      slices.on('change', publish);
      nodes.on('change', publish);
      ready = true;
      publish();
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}
