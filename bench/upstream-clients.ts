// Why: the proxy's hot path is Node's HTTP machinery on both sides, and which upstream client it
// uses — node:http with a keep-alive Agent, or undici's Pool — and whether it buffers or streams
// bodies are choices to make from measurements, not from reputation. Minimal proxies that differ
// only in that choice run side by side with HAProxy (the same harness as bench:overhead: open loop,
// 1 s rounds alternating, each hop its own process), so the difference is the client's own.
// Usage: npm run bench:clients [-- --rate 1000 --rounds 12 --bytes 1024]
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeMs } from '../src/stats/histogram.ts';
import { alternate, benchSession, reportingSteal, rssMb, startHaproxy, startUpstream, stopProcess, type Target } from './lib/hops.ts';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '12' }, bytes: { type: 'string', default: '1024' } } });
const rate = Number(values.rate);
const rounds = Number(values.rounds);

/** Shared by every variant: a server on a free loopback port that reports it, exiting with its parent. */
const SERVER = `
const http = require('node:http');
const UP = Number(process.argv[1]);
const server = http.createServer({ noDelay: true, keepAliveTimeout: 60000 }, (req, res) => handle(req, res));
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('disconnect', () => process.exit(0));
const fail = (res) => { if (!res.headersSent) { res.writeHead(502, { 'content-length': 0 }); res.end(); } else res.destroy(); };
`;

/** Each variant defines handle(req, res); the upstream answers with content-length, so each forwards it. */
const VARIANTS: Record<string, string> = {
  'http-buffered': `
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });
function handle(req, res) {
  const up = http.request({ host: '127.0.0.1', port: UP, method: req.method, path: req.url, headers: { host: req.headers.host }, agent }, (r) => {
    const chunks = [];
    r.on('data', (c) => chunks.push(c));
    r.on('end', () => { const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks); res.writeHead(r.statusCode, { 'content-length': body.length }); res.end(body); });
    r.on('error', () => fail(res));
  });
  up.on('error', () => fail(res));
  up.end();
}`,
  'http-streamed': `
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });
function handle(req, res) {
  const up = http.request({ host: '127.0.0.1', port: UP, method: req.method, path: req.url, headers: { host: req.headers.host }, agent }, (r) => {
    res.writeHead(r.statusCode, { 'content-length': r.headers['content-length'] });
    r.on('data', (c) => { if (!res.write(c)) { r.pause(); res.once('drain', () => r.resume()); } });
    r.on('end', () => res.end());
    r.on('error', () => fail(res));
  });
  up.on('error', () => fail(res));
  up.end();
}`,
  'undici-streamed': `
const { Pool } = require(process.argv[2]);
const pool = new Pool('http://127.0.0.1:' + UP, { connections: null, pipelining: 1 });
function handle(req, res) {
  pool.stream({ path: req.url, method: req.method, headers: { host: req.headers.host } }, ({ statusCode, headers }) => {
    res.writeHead(statusCode, { 'content-length': headers['content-length'] });
    return res;
  }, (err) => { if (err) fail(res); });
}`,
};

async function startVariant(name: string, upstreamPort: number): Promise<Target> {
  const undici = path.join(process.cwd(), 'node_modules', 'undici');
  const child = spawn(process.execPath, ['-e', SERVER + VARIANTS[name], String(upstreamPort), undici], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
  });
  return { name, port, host: 'users', pid: child.pid!, stop: () => stopProcess(child) };
}

const session = await benchSession('clients');

const upstream = session.track(await startUpstream(Number(values.bytes)));
const targets: Target[] = [{ ...upstream, pid: null }];
for (const name of Object.keys(VARIANTS)) targets.push(session.track(await startVariant(name, upstream.port)));
const haproxy = await startHaproxy(upstream.port, session.dir, session.ledger);
if (haproxy) targets.push(session.track(haproxy));
else console.log('haproxy: not installed, skipped (apt-get install haproxy to compare with it)');

console.log(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, node ${process.version}, load average before ${os.loadavg()[0]!.toFixed(2)}`);
console.log(`load: ${rate} rps open loop, ${values.bytes}-byte responses, ${rounds} × 1 s rounds per target, alternating`);
const tallies = await reportingSteal(() => alternate(targets, rate, rounds));
const direct = summarizeMs(tallies.get('direct')!.histogram);
console.log('target             p50 ms   p99 ms  added p50  added p99  CPU ms/1000 req  RSS MB  errors');
for (const t of targets) {
  const tally = tallies.get(t.name)!;
  const s = summarizeMs(tally.histogram);
  const cpu = t.pid ? ((tally.cpuMs / (rate * rounds)) * 1000).toFixed(1) : '-';
  const rss = t.pid ? rssMb(t.pid).toFixed(0) : '-';
  console.log(`${t.name.padEnd(17)} ${s.p50.toFixed(3).padStart(7)} ${s.p99.toFixed(3).padStart(8)} ${(s.p50 - direct.p50).toFixed(3).padStart(10)} ${(s.p99 - direct.p99).toFixed(3).padStart(10)} ${cpu.padStart(16)} ${rss.padStart(7)} ${String(tally.errors).padStart(7)}`);
}
await session.close();
