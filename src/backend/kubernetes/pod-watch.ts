// Why: a phase waits for pods — services Ready, one proxy per node, generators Running, replaced
// replicas back — and must fail fast, with the pod's own reason, when a pod cannot start
// (ErrImageNeverPull, CrashLoopBackOff, Unschedulable). One informer over the run's namespace
// (list, then watch: no polling) answers all of it.
import { CoreV1Api, makeInformer, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { environmentError } from '../../core/errors.ts';

export const isPodReady = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Why a pod will not become Ready by waiting longer, or null. */
export function podFailure(p: V1Pod): string | null {
  if (p.status?.phase === 'Failed') return `pod ${p.metadata?.name} failed: ${p.status.reason ?? p.status.message ?? 'see its logs'}`;
  for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    const waiting = s.state?.waiting?.reason;
    if (waiting && /ErrImage|ImagePull|InvalidImageName|CrashLoopBackOff|CreateContainerConfigError|CreateContainerError/.test(waiting)) {
      return `pod ${p.metadata?.name} container ${s.name}: ${waiting}${s.state?.waiting?.message ? ` (${s.state.waiting.message})` : ''}`;
    }
    if (s.state?.terminated && s.state.terminated.exitCode !== 0 && p.spec?.restartPolicy === 'Never') {
      return `pod ${p.metadata?.name} container ${s.name} exited ${s.state.terminated.exitCode}: ${s.state.terminated.reason ?? ''} ${s.state.terminated.message ?? ''}`.trim();
    }
  }
  const unschedulable = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  return unschedulable ? `pod ${p.metadata?.name} cannot be scheduled: ${unschedulable.message}` : null;
}

export class PodWatch {
  private readonly informer;
  private readonly listeners = new Set<() => void>();

  constructor(kc: KubeConfig, readonly namespace: string) {
    const api = kc.makeApiClient(CoreV1Api);
    this.informer = makeInformer<V1Pod>(kc, `/api/v1/namespaces/${namespace}/pods`, () => api.listNamespacedPod({ namespace }));
    for (const verb of ['add', 'update', 'delete'] as const) this.informer.on(verb, () => this.notify());
    this.informer.on('error', () => {
      setTimeout(() => void this.informer.start().catch(() => undefined), 500).unref();
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  pods(selector: Record<string, string> = {}): V1Pod[] {
    return this.informer
      .list(this.namespace)
      .filter((p) => !p.metadata?.deletionTimestamp && Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v))
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** Resolves with the matching pods once `done` holds for them; rejects on a pod failure or timeout. */
  waitFor(what: string, selector: Record<string, string>, done: (pods: V1Pod[]) => boolean, timeoutMs: number): Promise<V1Pod[]> {
    return new Promise((resolve, reject) => {
      const finish = (err: Error | null, pods?: V1Pod[]) => {
        this.listeners.delete(check);
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(pods!);
      };
      const check = () => {
        const pods = this.pods(selector);
        const failure = pods.map(podFailure).find((f) => f !== null);
        if (failure) return finish(environmentError('E_KUBE_POD', `${what}: ${failure}`, 'Is the meshbench image loaded into the cluster (`meshbench cluster up` loads it)? `kubectl -n <namespace> describe pod` tells more.'));
        if (done(pods)) finish(null, pods);
      };
      const timer = setTimeout(() => {
        const states = this.pods(selector).map((p) => `${p.metadata?.name}: ${p.status?.phase}${isPodReady(p) ? ' (ready)' : ''}`);
        finish(environmentError('E_KUBE_TIMEOUT', `${what}: not done after ${timeoutMs / 1000} s (${states.join(', ') || 'no pods'})`, 'The cluster may be short of CPU or memory for this scenario; `meshbench cluster status` shows its nodes.'));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}
