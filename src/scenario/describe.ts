// Why: the report, the verdict and the settings table speak the scenario's own terms
// ("latency 35 ms ± 10 ms on frontend → user-service"), not internal field names or JSON.
import type { FaultTarget, Injection } from './types.ts';

export function targetText(t: FaultTarget): string {
  if (t.kind === 'link') return `${t.from} → ${t.to}`;
  return t.replica === null ? t.service : `${t.service}#${t.replica}`;
}

/** What is injected where, in a few words. */
export function describeInjection(i: Injection): string {
  const on = targetText(i.target);
  switch (i.kind) {
    case 'latency': {
      const jitter = i.attributes['jitter'] ?? 0;
      return `latency ${i.attributes['latency']} ms${jitter > 0 ? ` ± ${jitter} ms` : ''} on ${on}`;
    }
    case 'bandwidth':
      return `bandwidth ${i.attributes['rate']} KB/s on ${on}`;
    case 'loss':
      return `${i.percent} % packet loss on ${on}`;
    case 'partition':
      return `partition of ${on}`;
    case 'cpu-steal':
      return `${i.percent} % CPU steal on ${on} (every ${i.periodMs} ms)`;
    case 'noisy-neighbour':
      return `${i.hogs} CPU hog${i.hogs === 1 ? '' : 's'} beside ${on}`;
    case 'db-lock':
      return `DB lock on ${on}`;
    case 'kill':
      return `kill of ${on}`;
    case 'restart':
      return `restart of ${on}`;
    default:
      return `${i.kind} toxic on ${on}`;
  }
}
