// Why: what one proxy hop costs can only be seen side by side: the same upstream, the same
// open-loop generator (latency from the intended send time), each target its own process, and
// targets alternating in short rounds so machine drift hits them all alike. bench:proxy (layers)
// and bench:overhead (meshbench vs HAProxy and nginx) share this harness.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ProxyConfig } from '../../proxy/src/config.ts';
import { HYPERVISOR_STEAL_MAX } from '../../src/analysis/validity.ts';
import { realClock } from '../../src/core/clock.ts';
import type { Waiter } from '../../src/load/executor.ts';
import { threadWaiter } from '../../src/load/thread-waiter.ts';
import { startChild } from '../../src/runtime/child.ts';
import { installCleanupHandlers } from '../../src/runtime/clean.ts';
import { Ledger, newRunId, processStartTime } from '../../src/runtime/ledger.ts';
import { stealShare } from '../../src/runtime/machine-activity.ts';
import { machineCpuTicks } from '../../src/runtime/process-usage.ts';
import { newHistogram, recordMs, type Histogram } from '../../src/stats/histogram.ts';

export interface Target {
  name: string;
  port: number;
  /** Host header to send (the destination a meshbench proxy routes by). */
  host: string;
  /** The hop's process (null for direct), for its CPU time and RSS. */
  pid: number | null;
  stop(): Promise<void>;
}

export interface Tally {
  histogram: Histogram;
  cpuMs: number;
  errors: number;
}

export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
}

/** Resident memory of one process (HAProxy and nginx run single-process here: one thread, no master). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  return gone.finally(() => clearTimeout(timer));
}

/** A plain node:http upstream in its own process answering every request with `bytes` bytes. */
export async function startUpstream(bytes: number): Promise<Target> {
  const code = `
const http = require('node:http');
const body = Buffer.alloc(${bytes}, 'x');
const s = http.createServer((req, res) => res.end(body));
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
process.on('disconnect', () => process.exit(0));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  return { name: 'direct', port, host: 'users', pid: child.pid!, stop: () => stopProcess(child) };
}

export async function startMeshbenchProxy(name: string, config: ProxyConfig, dir: string): Promise<Target> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(config));
  const child = startChild<never, { type: 'ready'; port: number }>('proxy/main.ts', { label: name, args: ['--config', file] });
  const ready = await child.next<{ type: 'ready'; port: number }>('ready');
  return { name, port: ready.port, host: 'users', pid: child.pid, stop: () => child.stop() };
}

/** A free loopback port (for servers that cannot report the port they bound). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

async function waitListening(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 10 s`);
}

/** Starts an external proxy binary in the foreground, recorded in the ledger until it stops. */
async function startExternal(name: string, bin: string, args: string[], port: number, ledger: Ledger): Promise<Target> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const entry = { kind: 'process' as const, pid: child.pid!, startTime: processStartTime(child.pid!) ?? -1 };
  ledger.record(entry);
  await waitListening(port, child, name);
  return {
    name,
    port,
    host: 'users',
    pid: child.pid!,
    stop: async () => {
      await stopProcess(child);
      ledger.release(entry);
    },
  };
}

/** Debian's HAProxy with a generated config: one thread (the Node proxy has one), keep-alive both sides. */
export async function startHaproxy(upstreamPort: number, dir: string, ledger: Ledger): Promise<Target | null> {
  const bin = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find(existsSync);
  if (!bin) return null;
  const port = await freePort();
  const config = path.join(dir, 'haproxy.cfg');
  await writeFile(
    config,
    [
      'global',
      '  nbthread 1',
      '  maxconn 4000',
      'defaults',
      '  mode http',
      '  option http-keep-alive',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      'frontend bench',
      `  bind 127.0.0.1:${port}`,
      '  default_backend upstream',
      'backend upstream',
      '  http-reuse always',
      `  server u1 127.0.0.1:${upstreamPort}`,
      '',
    ].join('\n'),
  );
  return startExternal('haproxy', bin, ['-db', '-f', config], port, ledger);
}

/** nginx with a generated config: one worker, upstream keep-alive. */
export async function startNginx(upstreamPort: number, dir: string, ledger: Ledger): Promise<Target | null> {
  const bin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync);
  if (!bin) return null;
  const port = await freePort();
  const config = path.join(dir, 'nginx.conf');
  await writeFile(
    config,
    [
      'daemon off;',
      'master_process off;',
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'nginx-error.log')} warn;`,
      'events { worker_connections 4000; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${dir};`,
      `  proxy_temp_path ${dir};`,
      `  upstream u { server 127.0.0.1:${upstreamPort}; keepalive 256; }`,
      `  server { listen 127.0.0.1:${port}; location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
      '}',
      '',
    ].join('\n'),
  );
  return startExternal('nginx', bin, ['-c', config, '-p', dir], port, ledger);
}

/** One open-loop round against one target: `rate` requests/s for `ms`, latency from the intended send time. */
export async function round(target: Target, rate: number, ms: number, agent: http.Agent, wait: Waiter, into: Tally | null): Promise<void> {
  const signal = new AbortController().signal;
  const before = target.pid && into ? cpuMs(target.pid) : 0;
  const start = realClock.now();
  const n = Math.floor((rate * ms) / 1000);
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < n; i++) {
    const intended = start + (i * 1000) / rate;
    await wait(intended, signal);
    inflight.push(
      new Promise<void>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: target.port, path: '/', agent, headers: { host: target.host } }, (res) => {
          res.resume();
          res.on('end', () => {
            if (into) {
              if (res.statusCode === 200) recordMs(into.histogram, realClock.now() - intended);
              else into.errors++;
            }
            resolve();
          });
        });
        req.on('error', () => {
          if (into) into.errors++;
          resolve();
        });
        req.end();
      }),
    );
  }
  await Promise.all(inflight);
  if (target.pid && into) into.cpuMs += cpuMs(target.pid) - before;
}

/** Alternates 1 s rounds over the targets (after a short warm round each); a tally per target. */
export async function alternate(targets: Target[], rate: number, rounds: number): Promise<Map<string, Tally>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const timer = threadWaiter();
  const tallies = new Map(targets.map((t) => [t.name, { histogram: newHistogram(), cpuMs: 0, errors: 0 }]));
  try {
    for (const t of targets) await round(t, rate, 500, agent, timer.wait, null); // warm connections and JIT
    for (let r = 0; r < rounds; r++) for (const t of targets) await round(t, rate, 1000, agent, timer.wait, tallies.get(t.name)!);
  } finally {
    agent.destroy();
    await timer.close();
  }
  return tallies;
}

/** Runs `measure`, then prints the share of CPU time the hypervisor gave other guests meanwhile. */
export async function reportingSteal<T>(measure: () => Promise<T>): Promise<T> {
  const before = await machineCpuTicks();
  const out = await measure();
  const share = stealShare(before, await machineCpuTicks());
  if (share !== null) {
    const noisy = share > HYPERVISOR_STEAL_MAX ? ` — above ${100 * HYPERVISOR_STEAL_MAX} %: the tails are this VM losing its CPUs, not the hops (a run would be inconclusive)` : '';
    console.log(`hypervisor steal during the measurement: ${(100 * share).toFixed(1)} %${noisy}`);
  }
  return out;
}

export interface BenchSession {
  ledger: Ledger;
  /** A private temporary directory for generated configs. */
  dir: string;
  /** Stops with the session (in reverse order); returns the target. */
  track<T extends Target>(target: T): T;
  /** Stops every tracked target and removes the directory; also runs on Ctrl-C or a crash. */
  close(): Promise<void>;
}

/** What every hop bench needs first: a ledger, a temporary directory and cleanup on any exit. */
export async function benchSession(name: string): Promise<BenchSession> {
  const runId = newRunId();
  const ledger = Ledger.open(runId);
  const dir = await mkdtemp(path.join(os.tmpdir(), `meshbench-bench-${name}-`));
  const started: Target[] = [];
  const cleanup = async () => {
    for (const t of started.splice(0).reverse()) await t.stop();
    await rm(dir, { recursive: true, force: true });
    ledger.close();
  };
  const uninstall = installCleanupHandlers(cleanup, { runId });
  return {
    ledger,
    dir,
    track: (target) => (started.push(target), target),
    close: async () => {
      await cleanup();
      uninstall();
    },
  };
}
