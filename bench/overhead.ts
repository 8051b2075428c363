// Why: the cost of the extra hop is the number users weigh against everything the mesh buys, and
// it only means something beside a proxy people trust. One run, open loop at 1 000 rps with 1 KB
// responses, alternating 1 s rounds over: direct, meshbench's proxy with every layer on, HAProxy
// (Debian's, config generated here, one thread) and nginx when installed (one worker). Each hop
// is its own process, so its CPU time and RSS are its own. Any process it starts is ledgered, so
// Ctrl-C or a crash leaves nothing (`meshbench clean`).
// Usage: npm run bench:overhead [-- --rate 1000 --rounds 12 --bytes 1024]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { defaultMeshConfig } from '../proxy/src/default-mesh-config.ts';
import { summarizeMs } from '../src/stats/histogram.ts';
import { alternate, benchSession, reportingSteal, rssMb, startHaproxy, startMeshbenchProxy, startNginx, startUpstream, type Target } from './lib/hops.ts';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '12' }, bytes: { type: 'string', default: '1024' } } });
const rate = Number(values.rate);
const rounds = Number(values.rounds);

const session = await benchSession('overhead');

const upstream = session.track(await startUpstream(Number(values.bytes)));
const base = { ...defaultMeshConfig(), port: 0, adminPort: 0 };
const meshConfig = {
  mesh: { ...base, timeoutMs: 1000, maxPending: 10_000, routes: [{ name: 'sensitive-norway', match: { header: 'x-data-class', value: 'sensitive' }, subset: { zone: 'oslo' }, failClosed: true }] },
  destinations: { users: { endpoints: [{ address: `127.0.0.1:${upstream.port}`, labels: { zone: 'oslo' } }] } },
};
const meshbench = session.track(await startMeshbenchProxy('meshbench', meshConfig, session.dir));
const targets: Target[] = [{ ...upstream, pid: null }, meshbench];
for (const [name, start] of [['haproxy', startHaproxy], ['nginx', startNginx]] as const) {
  const t = await start(upstream.port, session.dir, session.ledger);
  if (t) targets.push(session.track(t));
  else console.log(`${name}: not installed, skipped (apt-get install ${name} to compare with it)`);
}

console.log(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, node ${process.version}, load average before ${os.loadavg()[0]!.toFixed(2)}`);
console.log(`load: ${rate} rps open loop, ${values.bytes}-byte responses, ${rounds} × 1 s rounds per target, alternating`);
const tallies = await reportingSteal(() => alternate(targets, rate, rounds));
const summary = new Map(targets.map((t) => [t.name, summarizeMs(tallies.get(t.name)!.histogram)]));
const direct = summary.get('direct')!;
const added = (name: string) => ({ p50: summary.get(name)!.p50 - direct.p50, p99: summary.get(name)!.p99 - direct.p99 });

console.log('target      p50 ms   p99 ms  added p50  added p99  CPU ms/1000 req  RSS MB  errors');
for (const t of targets) {
  const s = summary.get(t.name)!;
  const tally = tallies.get(t.name)!;
  const a = added(t.name);
  const cpu = t.pid ? ((tally.cpuMs / (rate * rounds)) * 1000).toFixed(1) : '-';
  const rss = t.pid ? rssMb(t.pid).toFixed(0) : '-';
  console.log(`${t.name.padEnd(10)} ${s.p50.toFixed(3).padStart(7)} ${s.p99.toFixed(3).padStart(8)} ${a.p50.toFixed(3).padStart(10)} ${a.p99.toFixed(3).padStart(10)} ${cpu.padStart(16)} ${rss.padStart(7)} ${String(tally.errors).padStart(7)}`);
}
console.log(`proxy RSS: ${rssMb(meshbench.pid!).toFixed(0)} MB`);
if (summary.has('haproxy')) {
  const m = added('meshbench');
  const h = added('haproxy');
  const ratio = (x: number, y: number) => (y > 0 ? `${(x / y).toFixed(2)}×` : `n/a (HAProxy added ${y.toFixed(3)} ms)`);
  console.log(`ratio vs haproxy: p50 ${ratio(m.p50, h.p50)}, p99 ${ratio(m.p99, h.p99)} (goals: p50 ≤ 1.5×, p99 ≤ 2×, RSS ≤ 50 MB)`);
}
// The children keep the event loop alive: stop them here rather than waiting for it to drain.
await session.close();
