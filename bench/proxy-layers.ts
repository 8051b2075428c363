// Why: what does each proxy hop cost, and what do the resilience layers add on top of plain
// routing? One run, open loop (latency from the intended send time), against one upstream in its
// own process: direct, through a pass-through proxy (routing + round-robin only) and through a
// proxy with every layer on (deadline, retry budget, p2c-ewma, breaker, admission, policy route),
// alternating in 1 s rounds so machine drift hits all three alike. Each proxy is its own process,
// so its CPU time and RSS are its own.
// Run: node --import tsx bench/proxy-layers.ts [rates=1000,5000] [seconds per target=5]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProxyConfig } from '../proxy/src/config.ts';
import { defaultMeshConfig } from '../proxy/src/default-mesh-config.ts';
import { realClock } from '../src/core/clock.ts';
import { preciseWaiter } from '../src/load/precise-waiter.ts';
import { startChild } from '../src/runtime/child.ts';
import { newHistogram, recordMs, summarizeMs, type Histogram } from '../src/stats/histogram.ts';

const rates = (process.argv[2] ?? '1000,5000').split(',').map(Number);
const seconds = Number(process.argv[3] ?? 5);

const UPSTREAM = `
const http = require('node:http');
const s = http.createServer((req, res) => res.end('ok'));
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
`;

type Target = { name: string; port: number; host: string; pid: number | null };

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime+stime, USER_HZ = 100
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function round(target: Target, rate: number, ms: number, agent: http.Agent, into: Histogram): Promise<{ errors: number }> {
  const wait = preciseWaiter();
  const signal = new AbortController().signal;
  const start = realClock.now();
  const n = Math.floor((rate * ms) / 1000);
  let errors = 0;
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < n; i++) {
    const intended = start + (i * 1000) / rate;
    await wait(intended, signal);
    inflight.push(
      new Promise<void>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: target.port, path: '/', agent, headers: { host: target.host } }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            recordMs(into, realClock.now() - intended);
            resolve();
          });
        });
        req.on('error', () => {
          errors++;
          resolve();
        });
        req.end();
      }),
    );
  }
  await Promise.all(inflight);
  return { errors };
}

const dir = await mkdtemp(path.join(tmpdir(), 'meshbench-bench-'));
const upstream = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
const upstreamPort = await new Promise<number>((resolve) => upstream.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
const endpoints = [{ address: `127.0.0.1:${upstreamPort}`, labels: { zone: 'oslo' } }];

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

const children: Array<ReturnType<typeof startChild>> = [];
async function proxyTarget(name: string, config: ProxyConfig): Promise<Target> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(config));
  const child = startChild<never, { type: 'ready'; port: number }>('proxy/main.ts', { label: name, args: ['--config', file] });
  children.push(child);
  const ready = await child.next<{ type: 'ready'; port: number }>('ready');
  return { name, port: ready.port, host: 'users', pid: child.pid };
}

try {
  const targets: Target[] = [
    { name: 'direct', port: upstreamPort, host: 'users', pid: null },
    await proxyTarget('pass-through', passThrough),
    await proxyTarget('all-layers', allLayers),
  ];
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  for (const rate of rates) {
    const hists = new Map(targets.map((t) => [t.name, newHistogram()]));
    const cpu = new Map(targets.map((t) => [t.name, 0]));
    const errors = new Map(targets.map((t) => [t.name, 0]));
    for (const t of targets) await round(t, rate, 300, agent, newHistogram()); // warm pools and JIT
    for (let r = 0; r < seconds; r++) {
      for (const t of targets) {
        const before = t.pid ? cpuMs(t.pid) : 0;
        const { errors: e } = await round(t, rate, 1000, agent, hists.get(t.name)!);
        if (t.pid) cpu.set(t.name, cpu.get(t.name)! + cpuMs(t.pid) - before);
        errors.set(t.name, errors.get(t.name)! + e);
      }
    }
    const direct = summarizeMs(hists.get('direct')!);
    console.log(`\n${rate} rps, ${seconds} s per target (open loop, latency from intended send time)`);
    console.log('target         p50 ms   p99 ms   +p50/hop  +p99/hop  CPU ms per 1000 req  RSS MB  errors');
    const summaries = new Map(targets.map((t) => [t.name, summarizeMs(hists.get(t.name)!)]));
    for (const t of targets) {
      const s = summaries.get(t.name)!;
      const cpuPer1k = t.pid ? (cpu.get(t.name)! / (rate * seconds)) * 1000 : NaN;
      console.log(
        `${t.name.padEnd(13)} ${s.p50.toFixed(3).padStart(7)} ${s.p99.toFixed(3).padStart(8)} ${(s.p50 - direct.p50).toFixed(3).padStart(9)} ${(s.p99 - direct.p99).toFixed(3).padStart(9)} ${Number.isNaN(cpuPer1k) ? '-'.padStart(20) : cpuPer1k.toFixed(1).padStart(20)} ${t.pid ? rssMb(t.pid).toFixed(0).padStart(7) : '-'.padStart(7)} ${String(errors.get(t.name)).padStart(7)}`,
      );
    }
    const pt = summaries.get('pass-through')!;
    const all = summaries.get('all-layers')!;
    console.log(`all-layers − pass-through: p50 ${(all.p50 - pt.p50).toFixed(3)} ms, p99 ${(all.p99 - pt.p99).toFixed(3)} ms`);
  }
  agent.destroy();
} finally {
  await Promise.all(children.map((c) => c.stop()));
  upstream.kill();
  await rm(dir, { recursive: true, force: true });
}
