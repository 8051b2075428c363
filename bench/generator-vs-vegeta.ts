// Why: meshbench's latency is only as good as its generator's timing. vegeta is the open-loop
// generator people trust, so both attack the same upstream at the same rate, alternating rounds in
// one run, and each is judged the same way: how late it sent (actual − intended send time, the
// floor under every latency it reports) and the latency of successful requests counted from the
// intended send time. vegeta is built from its Go module (tools/vegeta/build.sh, cached); its
// per-request timestamps give its lateness against its own ideal schedule.
// Usage: npm run bench:generator [-- --rate 1000 --seconds 5 --rounds 4]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadgenCommand, LoadgenEvent, LoadgenResult } from '../src/load/types.ts';
import { repoPath, startChild } from '../src/runtime/child.ts';
import { parseScenario } from '../src/scenario/parse.ts';
import { decodeHistogram, mergeHistograms, newHistogram, recordMs, summarizeMs, type Histogram } from '../src/stats/histogram.ts';
import { cpuMs, startUpstream } from './lib/hops.ts';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '4' } } });
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const WARMUP_S = 1;

const vegeta = execFileSync('bash', [repoPath('tools/vegeta/build.sh')], { encoding: 'utf8' }).trim();
const dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-bench-generator-'));
const upstream = await startUpstream(1024);
const target = `http://127.0.0.1:${upstream.port}/`;

const load = parseScenario(`name: bench-generator\ntopology:\n  services:\n    - name: upstream\nload:\n  rate: ${rate}\n  arrival: constant\n  warmup: ${WARMUP_S}s\n  duration: ${seconds}s\n`, 'bench/generator-vs-vegeta.ts').load;
const worker = startChild<LoadgenCommand, LoadgenEvent>('src/load/worker.ts', { label: 'loadgen' });
await worker.next('ready');

interface Tally {
  latency: Histogram[];
  lateness: Histogram[];
  cpuMs: number;
  failed: number;
}
const tallies = { meshbench: { latency: [], lateness: [], cpuMs: 0, failed: 0 } as Tally, vegeta: { latency: [], lateness: [], cpuMs: 0, failed: 0 } as Tally };

async function meshbenchRound(): Promise<void> {
  const before = cpuMs(worker.pid);
  const done = worker.next<Extract<LoadgenEvent, { type: 'done' }>>('done', (seconds + WARMUP_S + 30) * 1000);
  worker.send({ type: 'start', config: { targets: [target.slice(0, -1)], hostHeader: null, load: { ...load, warmupMaxS: WARMUP_S, path: '/' }, seed: 1 } });
  const result: LoadgenResult = (await done).result;
  tallies.meshbench.cpuMs += cpuMs(worker.pid) - before;
  tallies.meshbench.latency.push(decodeHistogram(result.histogram));
  tallies.meshbench.lateness.push(decodeHistogram(result.sendLateness));
  tallies.meshbench.failed += result.requests.sent - result.requests.ok;
}

/** vegeta attacks for warmup + duration; its first WARMUP_S seconds are discarded like meshbench's warmup. */
async function vegetaRound(): Promise<void> {
  const out = path.join(dir, 'vegeta.bin');
  const attack = spawn(vegeta, ['attack', `-rate=${rate}/s`, `-duration=${seconds + WARMUP_S}s`, '-keepalive=true', `-output=${out}`], { stdio: ['pipe', 'ignore', 'inherit'] });
  attack.stdin.end(`GET ${target}\n`);
  let cpu = 0;
  const poll = setInterval(() => {
    try {
      cpu = cpuMs(attack.pid!); // the last reading before it exits
    } catch {}
  }, 50);
  await new Promise((r) => attack.once('exit', r));
  clearInterval(poll);
  tallies.vegeta.cpuMs += cpu;
  const lines = execFileSync(vegeta, ['encode', '--to', 'json', out], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }).trim().split('\n');
  const hits = lines.map((l) => JSON.parse(l) as { timestamp: string; latency: number; code: number }).map((h) => ({ at: Date.parse(h.timestamp) + (Number(/\.\d{3}(\d{0,6})/.exec(h.timestamp)?.[1]?.padEnd(6, '0') ?? 0) / 1e6), ms: h.latency / 1e6, ok: h.code === 200 }));
  hits.sort((a, b) => a.at - b.at);
  const t0 = hits[0]!.at;
  const latency = newHistogram();
  const lateness = newHistogram();
  hits.forEach((h, i) => {
    const intended = t0 + (i * 1000) / rate;
    if (intended < t0 + WARMUP_S * 1000) return;
    const late = Math.max(0, h.at - intended);
    recordMs(lateness, late);
    if (h.ok) recordMs(latency, late + h.ms);
    else tallies.vegeta.failed++;
  });
  tallies.vegeta.latency.push(latency);
  tallies.vegeta.lateness.push(lateness);
}

try {
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, node ${process.version}, load average before ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(`load: ${rate} rps constant open loop on a node:http upstream (1 KB), ${rounds} rounds × (${WARMUP_S} s warmup + ${seconds} s) per generator, alternating; vegeta ${path.basename(path.dirname(vegeta))}`);
  for (let r = 0; r < rounds; r++) {
    await meshbenchRound();
    await vegetaRound();
  }
  console.log('generator   send lateness p50 / p99 / p99.9 ms   latency from intended send p50 / p99 / p99.9 ms   CPU ms per 1000 sent   failed');
  for (const [name, t] of Object.entries(tallies)) {
    const late = summarizeMs(mergeHistograms(t.lateness));
    const lat = summarizeMs(mergeHistograms(t.latency));
    const f = (n: number) => n.toFixed(3);
    console.log(`${name.padEnd(10)}  ${`${f(late.p50)} / ${f(late.p99)} / ${f(late.p999)}`.padStart(32)}   ${`${f(lat.p50)} / ${f(lat.p99)} / ${f(lat.p999)}`.padStart(47)}   ${((t.cpuMs / (rate * (seconds + WARMUP_S) * rounds)) * 1000).toFixed(0).padStart(19)}   ${t.failed}`);
  }
} finally {
  await worker.stop();
  await upstream.stop();
  await rm(dir, { recursive: true, force: true });
}
