// Why: what does each proxy hop cost, and what do the resilience layers add on top of plain
// routing? One run, open loop (latency from the intended send time), against one upstream in its
// own process: direct, through a pass-through proxy (routing + round-robin only) and through a
// proxy with every layer on (deadline, retry budget, p2c-ewma, breaker, admission, policy route),
// alternating in 1 s rounds so machine drift hits all three alike. Each proxy is its own process,
// so its CPU time and RSS are its own.
// Run: node --import tsx bench/proxy-layers.ts [rates=1000,5000] [seconds per target=5]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProxyConfig } from '../proxy/src/config.ts';
import { defaultMeshConfig } from '../proxy/src/default-mesh-config.ts';
import { summarizeMs } from '../src/stats/histogram.ts';
import { alternate, reportingSteal, rssMb, startMeshbenchProxy, startUpstream, type Target } from './lib/hops.ts';

const rates = (process.argv[2] ?? '1000,5000').split(',').map(Number);
const seconds = Number(process.argv[3] ?? 5);

const dir = await mkdtemp(path.join(tmpdir(), 'meshbench-bench-'));
const upstream = await startUpstream(2);
const endpoints = [{ address: `127.0.0.1:${upstream.port}`, labels: { zone: 'oslo' } }];

const base = { ...defaultMeshConfig(), port: 0, adminPort: 0 };
const passThrough: ProxyConfig = {
  mesh: { ...base, balancer: 'round-robin', retry: { ...base.retry, enabled: false }, breaker: { ...base.breaker, enabled: false } },
  destinations: { users: { endpoints } },
};
const allLayers: ProxyConfig = {
  mesh: {
    ...base,
    timeoutMs: 1000,
    maxPending: 10_000,
    routes: [{ name: 'sensitive-norway', match: { header: 'x-data-class', value: 'sensitive' }, subset: { zone: 'oslo' }, failClosed: true }],
  },
  destinations: { users: { endpoints } },
};

const proxies: Target[] = [];
try {
  proxies.push(await startMeshbenchProxy('pass-through', passThrough, dir), await startMeshbenchProxy('all-layers', allLayers, dir));
  const targets: Target[] = [{ ...upstream, pid: null }, ...proxies];
  for (const rate of rates) {
    const tallies = await reportingSteal(() => alternate(targets, rate, seconds));
    const summaries = new Map(targets.map((t) => [t.name, summarizeMs(tallies.get(t.name)!.histogram)]));
    const direct = summaries.get('direct')!;
    console.log(`\n${rate} rps, ${seconds} s per target (open loop, latency of successful requests from the intended send time)`);
    console.log('target         p50 ms   p99 ms   +p50/hop  +p99/hop  CPU ms per 1000 req  RSS MB  errors');
    for (const t of targets) {
      const s = summaries.get(t.name)!;
      const tally = tallies.get(t.name)!;
      const cpuPer1k = t.pid ? (tally.cpuMs / (rate * seconds)) * 1000 : NaN;
      console.log(
        `${t.name.padEnd(13)} ${s.p50.toFixed(3).padStart(7)} ${s.p99.toFixed(3).padStart(8)} ${(s.p50 - direct.p50).toFixed(3).padStart(9)} ${(s.p99 - direct.p99).toFixed(3).padStart(9)} ${Number.isNaN(cpuPer1k) ? '-'.padStart(20) : cpuPer1k.toFixed(1).padStart(20)} ${t.pid ? rssMb(t.pid).toFixed(0).padStart(7) : '-'.padStart(7)} ${String(tally.errors).padStart(7)}`,
      );
    }
    const pt = summaries.get('pass-through')!;
    const all = summaries.get('all-layers')!;
    console.log(`all-layers − pass-through: p50 ${(all.p50 - pt.p50).toFixed(3)} ms, p99 ${(all.p99 - pt.p99).toFixed(3)} ms`);
  }
} finally {
  for (const p of proxies) await p.stop();
  await upstream.stop();
  await rm(dir, { recursive: true, force: true });
}
