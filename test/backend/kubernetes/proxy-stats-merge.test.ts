// A DaemonSet has a proxy pod per node: the arm's counters are their sum, but memory is per
// process — the sum of two pods' RSS is no pod's memory. The merge keeps each pod apart, and the
// sampler turns the pods' cumulative CPU into CPU over the measured part, pod by pod.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyStatsDocument } from '../../../proxy/src/config.ts';
import { mergeProxyStats } from '../../../src/backend/kubernetes/kubernetes-backend.ts';
import { proxyUsage, type TopologySample } from '../../../src/runner/service-sampler.ts';

const MB = 2 ** 20;

function doc(requests: number, cpu: number, rss: number, zone: string): ProxyStatsDocument {
  return {
    node: null,
    counters: { requests, retries: 1, process_cpu_seconds_total: cpu, process_resident_memory_bytes: rss },
    audit: [{ route: 'default', zone, requests }],
    destinations: { users: { requests, attempts: requests + 1, attempted: requests } },
  };
}

test('proxy pods: counters, audits and destinations are summed; CPU and RSS stay per pod, with its node', () => {
  const merged = mergeProxyStats([
    { pod: 'mesh-proxy-a', node: 'node-no', doc: doc(100, 2, 60 * MB, 'no') },
    { pod: 'mesh-proxy-b', node: 'node-de', doc: doc(50, 1, 40 * MB, 'no') },
  ]);
  assert.deepEqual(merged.counters, { requests: 150, retries: 2 }, 'process usage is not a counter to sum');
  assert.deepEqual(merged.audit, [{ route: 'default', zone: 'no', requests: 150 }]);
  assert.deepEqual(merged.destinations, { users: { requests: 150, attempts: 152, attempted: 150 } });
  assert.deepEqual(merged.processes, [
    { name: 'mesh-proxy-a', node: 'node-no', cpuSeconds: 2, rssBytes: 60 * MB },
    { name: 'mesh-proxy-b', node: 'node-de', cpuSeconds: 1, rssBytes: 40 * MB },
  ]);
});

test('per-pod usage over the measured part: CPU from first to last sample, RSS at the last; the arm RSS is the largest pod, not the sum', () => {
  const at = (a: [number, number], b: [number, number] | null): TopologySample => ({
    services: new Map(),
    proxy: mergeProxyStats([
      { pod: 'mesh-proxy-a', node: 'node-no', doc: doc(0, a[0], a[1], 'no') },
      ...(b ? [{ pod: 'mesh-proxy-b', node: 'node-de', doc: doc(0, b[0], b[1], 'de') }] : []),
    ]),
  });
  // Pod b is replaced mid-run: it appears at the second sample, so its CPU counts from zero.
  const samples = [at([10, 50 * MB], null), at([10.5, 55 * MB], [0.2, 30 * MB]), at([11.5, 70 * MB], [0.6, 45 * MB]), at([99, 99 * MB], [9, 99 * MB])];
  const usage = proxyUsage(samples, 2)!;
  assert.deepEqual(usage.processes, [
    { name: 'mesh-proxy-a', node: 'node-no', cpuSeconds: 1.5, rssBytes: 70 * MB },
    { name: 'mesh-proxy-b', node: 'node-de', cpuSeconds: 0.6, rssBytes: 45 * MB },
  ]);
  assert.equal(usage.cpuSeconds, 2.1);
  assert.equal(usage.rssBytes, 70 * MB, 'the largest pod (the sum would read 115 MB)');
});
