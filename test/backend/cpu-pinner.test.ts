// The embedded backend's CPU pinner on this machine: a process started with a plan has every
// thread on its role's CPUs, and the record a result gets is what was applied — never the plan
// alone when taskset could not apply it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuPinner, type CpuRole } from '../../src/backend/embedded/cpu-pinner.ts';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import { startChild, type Child } from '../../src/runtime/child.ts';
import { allowedCpus, threadCpus } from '../../src/runtime/cpu-affinity.ts';
import { formatCpuList, planCpuPinning } from '../../src/runtime/cpu-pinning.ts';

const children: Array<Child<unknown, { type: string }>> = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
});

const cpus = process.platform === 'linux' ? await allowedCpus() : null;
const skip =
  cpus === null ? 'CPU affinity is read from /proc (Linux)' : cpus.length < 2 ? 'one CPU: nothing to pin apart' : !(await detectCapabilities()).taskset ? 'taskset not installed (apt-get install -y util-linux)' : false;

/** Starts a child the way the backend does: pinned right after it starts, before it is ready. */
async function startPinned(pinner: CpuPinner, role: CpuRole, label: string): Promise<Child<unknown, { type: string }>> {
  const child = startChild<unknown, { type: string }>('src/load/worker.ts', { label });
  children.push(child);
  await pinner.pin(role, child);
  await child.next('ready', 15_000);
  return child;
}

test('with a plan, every thread of each started process is on its role\'s CPUs, and the record says so', { skip }, async () => {
  const pinner = await CpuPinner.open('on');
  const plan = planCpuPinning(cpus!, 'on').plan!;
  for (const role of ['generator', 'proxy', 'services'] as const) {
    const child = await startPinned(pinner, role, role);
    const threads = (await threadCpus(child.pid))!;
    assert.ok(threads.length > 1, `${role}: ${threads.length} threads, so "every thread" means something`);
    assert.deepEqual(
      threads.filter((t) => formatCpuList(t.cpus) !== formatCpuList(plan[role])).map((t) => `thread ${t.tid} on cpu ${formatCpuList(t.cpus)}`),
      [],
      `${role}: all ${threads.length} threads on cpu ${formatCpuList(plan[role])}`,
    );
  }
  assert.deepEqual(pinner.record(), {
    mode: 'on',
    applied: { generator: formatCpuList(plan.generator), proxy: formatCpuList(plan.proxy), services: formatCpuList(plan.services) },
    reason: planCpuPinning(cpus!, 'on').reason,
  });
});

test('off pins nothing: a started process keeps every allowed CPU', { skip }, async () => {
  const pinner = await CpuPinner.open('off');
  const child = await startPinned(pinner, 'generator', 'unpinned');
  assert.deepEqual([...new Set((await threadCpus(child.pid))!.map((t) => formatCpuList(t.cpus)))], [formatCpuList(cpus!)]);
  assert.deepEqual(pinner.record(), { mode: 'off', applied: null, reason: 'off: nothing pinned, as asked' });
  assert.equal(pinner.cpusOf('services'), null);
});

test('a pin that fails makes the rest of the run unpinned, and the record says the run is not pinned and why', { skip }, async () => {
  const pinner = await CpuPinner.open('on');
  const gone = startChild<unknown, { type: string }>('src/load/worker.ts', { label: 'gone-before-pinning' });
  await gone.next('ready', 15_000);
  await gone.stop();
  await pinner.pin('proxy', gone);
  const record = pinner.record();
  assert.equal(record.applied, null, 'no pinning is claimed');
  assert.match(record.reason, new RegExp(`^on: .* — but pinning failed \\(gone-before-pinning: taskset -a -c -p \\S+ ${gone.pid}: process ${gone.pid} is gone\\), so the run is not pinned as planned`));
  assert.equal(pinner.cpusOf('services'), null, 'nothing started later is pinned');
  const later = await startPinned(pinner, 'services', 'after the failure');
  assert.deepEqual([...new Set((await threadCpus(later.pid))!.map((t) => formatCpuList(t.cpus)))], [formatCpuList(cpus!)], 'a process started after the failure is left on every CPU');
});
