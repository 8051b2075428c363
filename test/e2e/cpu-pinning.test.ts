// `meshbench run --cpu-pinning on` end to end on the embedded backend: while the run goes, the
// load generator, the proxy and the services (and a noisy neighbour's hog beside them) are on the
// CPUs of the plan, and the result records that plan as applied. A bad value is refused before
// anything starts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import type { RunResult } from '../../src/result/types.ts';
import { allowedCpus, threadCpus } from '../../src/runtime/cpu-affinity.ts';
import { formatCpuList, planCpuPinning, type CpuPlan } from '../../src/runtime/cpu-pinning.ts';
import { childPids, cli } from '../scenario/cli-in-process.ts';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const cpus = process.platform === 'linux' ? await allowedCpus() : null;
const skip =
  cpus === null ? 'CPU affinity is read from /proc (Linux)' : cpus.length < 2 ? 'one CPU: nothing to pin apart' : !(await detectCapabilities()).taskset ? 'taskset not installed (apt-get install -y util-linux)' : false;

const SCENARIO = `
name: e2e-cpu-pinning
seed: 5
repeats: 1
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      calls: [users]
    - name: users
      serviceTime: 5ms
load:
  rate: 100
  warmup: 1s
  duration: 2s
conditions:
  - kind: noisy-neighbour
    target: users
    hogs: 1
mesh:
  port: 0
  adminPort: 0
`;

/** What a child process is, from the bundle it runs, and whose CPUs it gets. */
function roleOf(pid: number): { name: string; role: keyof CpuPlan } | null {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
  if (cmdline.includes('src__load__worker')) return { name: 'generator', role: 'generator' };
  if (cmdline.includes('proxy__main')) return { name: 'proxy', role: 'proxy' };
  if (cmdline.includes('src__services__main')) return { name: 'service', role: 'services' };
  if (cmdline.includes('src__faults__cpu-hog')) return { name: 'hog', role: 'services' };
  return null; // taskset itself
}

test('run --cpu-pinning on holds the generator, the proxy and the services to the plan\'s CPUs while it runs, and records it', { skip }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-pinning-'));
  dirs.push(dir);
  const file = path.join(dir, 'scenario.yaml');
  await writeFile(file, SCENARIO);
  const plan = planCpuPinning(cpus!, 'on').plan!;
  const before = childPids();

  // Every 100 ms, each child's threads; the last look at a process is long after it was pinned.
  const seen = new Map<number, { name: string; role: keyof CpuPlan; cpus: string[] }>();
  let running = true;
  const watch = (async () => {
    while (running) {
      for (const pid of childPids()) {
        const what = roleOf(pid);
        const threads = what ? await threadCpus(pid) : null;
        if (what && threads && threads.length > 0) seen.set(pid, { ...what, cpus: [...new Set(threads.map((t) => formatCpuList(t.cpus)))] });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const out = path.join(dir, 'out');
  let run: Awaited<ReturnType<typeof cli>>;
  try {
    run = await cli('run', file, '--cpu-pinning', 'on', '--quiet', '--out', out);
  } finally {
    running = false;
    await watch;
  }
  assert.equal(run.code, 0, run.stderr);

  const names = [...seen.values()].map((s) => s.name);
  for (const name of ['generator', 'proxy', 'service', 'hog']) assert.ok(names.includes(name), `a ${name} process was seen (${names.join(', ')})`);
  assert.deepEqual(
    [...seen].filter(([, s]) => s.cpus.join() !== formatCpuList(plan[s.role])).map(([pid, s]) => `${s.name} ${pid} on cpu ${s.cpus.join(' / ')}`),
    [],
    `every process on its role's CPUs: generator ${formatCpuList(plan.generator)}, proxy ${formatCpuList(plan.proxy)}, services ${formatCpuList(plan.services)}`,
  );

  const result = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8')) as RunResult;
  assert.deepEqual(result.host.cpuPinning, {
    mode: 'on',
    applied: { generator: formatCpuList(plan.generator), proxy: formatCpuList(plan.proxy), services: formatCpuList(plan.services) },
    reason: planCpuPinning(cpus!, 'on').reason,
  });
  for (const arm of result.arms) assert.equal(arm.requests.ok, 200, `${arm.name}: 100 rps × 2 s, all answered`);
  for (const c of result.conditions) assert.match(c.mechanism, new RegExp(`^1 CPU hog process pinned to cpu ${formatCpuList(plan.services)} \\(taskset\\)`), 'the hog shares the services\' CPUs');
  assert.match(await readFile(path.join(out, 'index.html'), 'utf8'), /CPU pinning \(on\): generator on cpu /);
  assert.deepEqual(childPids().filter((p) => !before.includes(p)), [], 'no child process survives the run');
});

test('run --cpu-pinning with another value is bad input naming the flag and its values, and starts nothing', async () => {
  const before = childPids();
  const r = await cli('run', 'scenarios/baseline.yaml', '--cpu-pinning', 'always', '--quiet');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--cpu-pinning must be one of auto, on, off, got "always"/);
  assert.equal(r.stdout, '');
  assert.deepEqual(childPids().filter((p) => !before.includes(p)), []);
});
