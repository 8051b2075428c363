// Why: the contract's startLoad for a cluster: an Indexed Job of generator pods, started
// together once all are up (POST /start with one wall-clock instant), whose event streams are
// read through the API server and merged — progress window by window once every generator
// has closed it, the result exactly (HDR add) once every generator is done.
import type { KubeConfig } from '@kubernetes/client-node';
import { environmentError } from '../../core/errors.ts';
import { mergeLoadResults, mergeWindowPoints } from '../../load/merge-results.ts';
import type { PodLoadEvent } from '../../load/pod-main.ts';
import type { LoadgenConfig, LoadgenResult } from '../../load/types.ts';
import type { WindowPoint } from '../../result/types.ts';
import type { ArmName, Scenario } from '../../scenario/types.ts';
import type { LoadEvents, LoadRun } from '../contract.ts';
import { kubeRequest, kubeStreamLines, podProxyPath } from './kube-http.ts';
import { withHostAliases } from './manifests/host-aliases.ts';
import { LOAD_EVENTS_PORT, loadJob } from './manifests/load-job.ts';
import { COMPONENT_LABEL, RUN_LABEL } from './manifests/labels.ts';
import type { PodWatch } from './pod-watch.ts';
import { isPodReady } from './pod-watch.ts';
import { serverSideApply } from './server-side-apply.ts';
import type { V1HostAlias } from '@kubernetes/client-node';

export interface LoadPodsContext {
  kc: KubeConfig;
  scenario: Scenario;
  arm: ArmName;
  runId: string;
  namespace: string;
  pods: PodWatch;
  aliases: V1HostAlias[];
  /** A name unique in the run, e.g. "load-direct-2". */
  jobName: string;
}

/** How long the generators get between "all up" and their common start. */
const START_MARGIN_MS = 500;

export async function startLoadPods(ctx: LoadPodsContext, config: LoadgenConfig, events: LoadEvents): Promise<LoadRun> {
  const { kc, namespace } = ctx;
  const generators = config.load.generators;
  const [job] = withHostAliases([loadJob(ctx.scenario, ctx.arm, ctx.runId, ctx.jobName, config)], ctx.aliases);
  await serverSideApply(kc, job!);
  const selector = { [RUN_LABEL]: ctx.runId, [COMPONENT_LABEL]: 'load-generator', 'job-name': ctx.jobName };
  const pods = await ctx.pods.waitFor(`load generators of ${ctx.jobName}`, selector, (ps) => ps.filter(isPodReady).length >= generators, 120_000);
  const names = pods.filter(isPodReady).slice(0, generators).map((p) => p.metadata!.name!);
  const path = (pod: string, p: string) => podProxyPath(namespace, pod, LOAD_EVENTS_PORT, p);

  const windows = new Map<number, { points: WindowPoint[]; inFlight: number }>();
  const measureStarts: number[] = [];
  const results: LoadgenResult[] = new Array(generators);
  let measureAnnounced = false;
  const onEvent = (event: PodLoadEvent) => {
    switch (event.type) {
      case 'measure-start':
        measureStarts.push(event.atMs);
        if (!measureAnnounced) {
          measureAnnounced = true;
          events.measureStart();
        }
        break;
      case 'progress': {
        const w = event.window as WindowPoint;
        const entry = windows.get(w.t) ?? { points: [], inFlight: 0 };
        entry.points.push(w);
        entry.inFlight += event.inFlight;
        windows.set(w.t, entry);
        if (entry.points.length === generators) {
          events.window(mergeWindowPoints(entry.points), entry.inFlight);
          windows.delete(w.t);
        }
        break;
      }
      case 'done':
        results[event.generator] = event.result as LoadgenResult;
        break;
      case 'error':
        throw environmentError('E_KUBE_LOAD', `load generator ${event.generator} of ${ctx.jobName} failed: ${event.message}`, 'See the generator pod\'s log.');
    }
  };
  const streams = names.map((pod) => kubeStreamLines(kc, path(pod, '/events'), (line) => onEvent(line as PodLoadEvent)));
  const startAt = Date.now() + START_MARGIN_MS;
  await Promise.all(names.map(async (pod) => {
    const r = await kubeRequest(kc, 'POST', path(pod, `/start?at=${startAt}`));
    if (r.status !== 200) throw environmentError('E_KUBE_LOAD', `could not start generator ${pod}: HTTP ${r.status} ${r.body}`, 'See the generator pod\'s log.');
  }));

  const exitAll = () => Promise.all(names.map((pod) => kubeRequest(kc, 'POST', path(pod, '/exit')).catch(() => undefined)));
  const done = Promise.all(streams).then(() => {
    const missing = results.findIndex((r) => r === undefined);
    if (missing >= 0 || results.length !== generators) throw environmentError('E_KUBE_LOAD', `load generator ${missing} of ${ctx.jobName} ended without a result`, 'See the generator pod\'s log.');
    const merged = mergeLoadResults(results, measureStarts);
    return { ...merged.result, generators: { count: merged.generators, alignmentErrorMs: merged.alignmentErrorMs } };
  });
  void done.then(exitAll, exitAll);
  return { done, stop: async () => void (await exitAll()) };
}

