// Pinning a real process with taskset: every thread it has lands on the CPUs asked for, and a
// pin that did nothing is never reported as done.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { allowedCpus, pinProcess, threadCpus } from '../../src/runtime/cpu-affinity.ts';
import { startChild, type Child } from '../../src/runtime/child.ts';
import { detectCapabilities } from '../../src/faults/capabilities.ts';

const children: Array<Child<unknown, { type: string }>> = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
});

const skip = process.platform !== 'linux' ? 'CPU affinity is read from /proc (Linux)' : !(await detectCapabilities()).taskset ? 'taskset not installed (apt-get install -y util-linux)' : false;

test('the allowed CPUs are the ones the kernel lets this process use', { skip: process.platform !== 'linux' }, async () => {
  const cpus = (await allowedCpus())!;
  assert.equal(cpus.length, os.availableParallelism(), `Cpus_allowed_list ${cpus.join(',')} vs sched_getaffinity`);
  assert.deepEqual(
    (await threadCpus(process.pid))!.find((t) => t.tid === process.pid)!.cpus,
    cpus,
    'the main thread may use what the process may',
  );
});

test('a running process is pinned thread by thread: every one of its threads is on the CPU afterwards', { skip }, async () => {
  const cpus = (await allowedCpus())!;
  const last = cpus.at(-1)!;
  // The load worker is idle until told to start; by 'ready' Node has its V8 and libuv threads.
  const child = startChild<unknown, { type: string }>('src/load/worker.ts', { label: 'pin target' });
  children.push(child);
  await child.next('ready', 15_000);
  const before = (await threadCpus(child.pid))!;
  assert.ok(before.length > 1, `the child has ${before.length} threads, so "every thread" means something`);
  assert.ok(before.every((t) => t.cpus.length === cpus.length), 'it starts on every allowed CPU');

  assert.equal(await pinProcess(child.pid, [last]), null);
  const threads = (await threadCpus(child.pid))!;
  assert.deepEqual(
    threads.filter((t) => t.cpus.join() !== String(last)).map((t) => `thread ${t.tid} on ${t.cpus.join(',')}`),
    [],
    `all ${threads.length} threads are held to cpu ${last}`,
  );
});

test('pinning a process that is gone, or to a CPU that does not exist, says why instead of succeeding', { skip }, async () => {
  const child = startChild<unknown, { type: string }>('src/load/worker.ts', { label: 'short-lived' });
  await child.next('ready', 15_000);
  await child.stop();
  // `taskset -a` itself exits 0 here: it finds no thread to set.
  assert.match((await pinProcess(child.pid, [0]))!, new RegExp(`^taskset -a -c -p 0 ${child.pid}: process ${child.pid} is gone$`));
  assert.match((await pinProcess(process.pid, [4096]))!, /^taskset -a -c -p 4096 \d+ failed: .*Invalid argument/);
  assert.equal((await threadCpus(process.pid))!.find((t) => t.tid === process.pid)!.cpus.length, (await allowedCpus())!.length, 'a failed pin changed nothing');
});
