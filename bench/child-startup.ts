// Why: local children used to run TypeScript through tsx; they now run esbuild bundles
// (src/runtime/child-bundle.ts). This measures what that buys, alternating both ways in one run
// so machine drift hits them alike: time from fork to the child's 'ready' message and its RSS
// then, for a synthetic service, the mesh proxy and the load worker's neighbour Toxiproxy.
// Run: npm run bench:children [-- rounds=5]
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMeshConfig } from '../proxy/src/default-mesh-config.ts';
import { CHILD_ENTRIES, repoPath, startChild, type ChildEntry } from '../src/runtime/child.ts';

const rounds = Number(process.argv[2] ?? 5);
const dir = await mkdtemp(path.join(tmpdir(), 'meshbench-bench-children-'));
const proxyConfig = path.join(dir, 'proxy.json');
await writeFile(proxyConfig, JSON.stringify({ mesh: { ...defaultMeshConfig(), port: 0, adminPort: 0 }, destinations: {} }));

interface Case {
  name: string;
  entry: ChildEntry;
  args: string[];
  start?: object;
}
const CASES: Case[] = [
  { name: 'service', entry: 'src/services/main.ts', args: [], start: { type: 'start', config: { name: 'probe', replica: 0, host: '127.0.0.1', port: 0, serviceTime: { kind: 'fixed', ms: 1 }, pool: 64, responseBytes: 128, seed: 1, calls: [], replicas: 1, contention: null } } },
  { name: 'proxy', entry: 'proxy/main.ts', args: ['--config', proxyConfig] },
  { name: 'toxiproxy', entry: 'src/faults/toxiproxy/main.ts', args: ['--port', '0'] },
];

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('message', (m: { type?: string }) => m.type === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready`)));
  });
}

async function once(c: Case, mode: 'tsx' | 'bundle'): Promise<{ ms: number; rss: number }> {
  const t0 = performance.now();
  const child =
    mode === 'tsx'
      ? fork(repoPath(c.entry), c.args, { execArgv: ['--import', import.meta.resolve('tsx/esm')], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
      : startChild(c.entry, { label: c.name, args: c.args }).process;
  const ready = waitReady(child);
  if (c.start) child.send(c.start);
  await ready;
  const ms = performance.now() - t0;
  const rss = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { ms, rss };
}

// The first startChild builds the bundle (or checks it is fresh); time that apart.
const t0 = performance.now();
startChild('src/faults/cpu-hog.ts', { label: 'warm' }).process.kill();
console.log(`bundle of ${CHILD_ENTRIES.length} entries ready (built or checked) in ${(performance.now() - t0).toFixed(0)} ms`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log('child       | start tsx → bundle (median ms) | RSS at ready tsx → bundle (median MB)');
for (const c of CASES) {
  const seen = { tsx: [] as Array<{ ms: number; rss: number }>, bundle: [] as Array<{ ms: number; rss: number }> };
  for (let i = 0; i < rounds; i++) for (const mode of ['tsx', 'bundle'] as const) seen[mode].push(await once(c, mode));
  const f = (mode: 'tsx' | 'bundle', k: 'ms' | 'rss') => median(seen[mode].map((s) => s[k]));
  console.log(
    `${c.name.padEnd(11)} | ${f('tsx', 'ms').toFixed(0)} → ${f('bundle', 'ms').toFixed(0)} ms (${(f('tsx', 'ms') / f('bundle', 'ms')).toFixed(1)}× faster)` +
      ` | ${f('tsx', 'rss').toFixed(0)} → ${f('bundle', 'rss').toFixed(0)} MB`,
  );
}
await rm(dir, { recursive: true, force: true });
