// The CPU plan of a run: which CPUs the generator, the proxy and the services get for each mode
// and machine size, from the kernel's list of the CPUs the run may use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { allowedCpusFromStatus, formatCpuList, parseCpuList, parseCpuPinningMode, planCpuPinning } from '../../src/runtime/cpu-pinning.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('a kernel CPU list reads as sorted, distinct CPU ids', () => {
  assert.deepEqual(parseCpuList('0-1'), [0, 1]);
  assert.deepEqual(parseCpuList('0,2-5\n'), [0, 2, 3, 4, 5]);
  assert.deepEqual(parseCpuList('7'), [7]);
  assert.deepEqual(parseCpuList('8-9,1,3-4,1'), [1, 3, 4, 8, 9]);
});

test('a malformed CPU list is refused naming where it came from and what a list looks like', () => {
  for (const [text, why] of [
    ['', /Cpus_allowed_list is empty/],
    ['0-', /"0-" is neither a CPU id nor a range/],
    ['a', /"a" is neither/],
    ['0,,2', /"" is neither/],
    ['3-1', /the range "3-1" runs backwards/],
    ['0-7:2', /"0-7:2" is neither/],
  ] as const) {
    assert.throws(
      () => parseCpuList(text),
      (err: unknown) => isMeshbenchError(err) && err.code === 'E_CPU_LIST' && why.test(err.message) && /e\.g\. "0-1" or "0,2-5"/.test(err.hint),
      JSON.stringify(text),
    );
  }
});

test('the allowed CPUs come from the Cpus_allowed_list line of a process status', () => {
  const status = 'Name:\tnode\nCpus_allowed:\t3d\nCpus_allowed_list:\t0,2-5\nMems_allowed_list:\t0\n';
  assert.deepEqual(allowedCpusFromStatus(status), [0, 2, 3, 4, 5]);
  assert.throws(() => allowedCpusFromStatus('Name:\tnode\n'), /no Cpus_allowed_list line/);
});

test('CPU ids fold back into the kernel list form taskset takes', () => {
  assert.equal(formatCpuList([0, 2, 3, 4, 7]), '0,2-4,7');
  assert.equal(formatCpuList([5, 1, 2]), '1-2,5');
  assert.equal(formatCpuList([3]), '3');
  for (const text of ['0-1', '0,2-5', '1,3-4,8-9']) assert.equal(formatCpuList(parseCpuList(text)), text);
});

test('--cpu-pinning takes auto, on or off; anything else names the flag and the accepted values', () => {
  for (const mode of ['auto', 'on', 'off'] as const) assert.equal(parseCpuPinningMode(mode), mode);
  assert.throws(
    () => parseCpuPinningMode('yes'),
    (err: unknown) => isMeshbenchError(err) && err.exitCode === 2 && err.message === '--cpu-pinning must be one of auto, on, off, got "yes"' && /--cpu-pinning on/.test(err.hint),
  );
});

test('auto pins only from 4 CPUs: one for the generator, one for the proxy, the rest for the services', () => {
  for (const n of [1, 2, 3]) {
    const d = planCpuPinning(range(0, n - 1), 'auto');
    assert.equal(d.plan, null, `${n} CPUs`);
    assert.match(d.reason, new RegExp(`^auto: ${n} CPUs? \\(.*\\), fewer than 4 — one core for the proxy and the services would change the system being measured, so nothing is pinned`));
  }
  assert.deepEqual(planCpuPinning(range(0, 3), 'auto'), {
    plan: { generator: [0], proxy: [1], services: [2, 3] },
    reason: 'auto: 4 CPUs (0-3): generator on cpu 0, proxy on cpu 1, services on cpu 2-3',
  });
  assert.deepEqual(planCpuPinning(range(0, 7), 'auto').plan, { generator: [0], proxy: [1], services: [2, 3, 4, 5, 6, 7] });
});

test('on pins from 2 CPUs: on 2 the proxy and the services share the second, on 3 each part has one', () => {
  const one = planCpuPinning([0], 'on');
  assert.equal(one.plan, null);
  assert.equal(one.reason, 'on: only 1 CPU (0) — nothing to separate, so nothing is pinned');
  assert.deepEqual(planCpuPinning([0, 1], 'on'), {
    plan: { generator: [0], proxy: [1], services: [1] },
    reason: 'on: 2 CPUs (0-1): generator on cpu 0, proxy and services sharing cpu 1',
  });
  assert.deepEqual(planCpuPinning([0, 1, 2], 'on').plan, { generator: [0], proxy: [1], services: [2] });
  assert.deepEqual(planCpuPinning(range(0, 3), 'on').plan, { generator: [0], proxy: [1], services: [2, 3] });
  assert.deepEqual(planCpuPinning(range(0, 7), 'on').plan, { generator: [0], proxy: [1], services: [2, 3, 4, 5, 6, 7] });
});

test('off never pins, however many CPUs', () => {
  for (const n of [1, 2, 3, 4, 8]) assert.deepEqual(planCpuPinning(range(0, n - 1), 'off'), { plan: null, reason: 'off: nothing pinned, as asked' });
});

test('a non-contiguous set (a cpuset, taskset or isolated cores) is split by the CPUs it has, not by their numbers', () => {
  const cpus = parseCpuList('1,3,6-7,10');
  assert.deepEqual(planCpuPinning(cpus, 'auto'), {
    plan: { generator: [1], proxy: [3], services: [6, 7, 10] },
    reason: 'auto: 5 CPUs (1,3,6-7,10): generator on cpu 1, proxy on cpu 3, services on cpu 6-7,10',
  });
  assert.deepEqual(planCpuPinning(parseCpuList('2,5'), 'on').plan, { generator: [2], proxy: [5], services: [5] });
  assert.equal(planCpuPinning(parseCpuList('0,2,4'), 'auto').plan, null, '3 CPUs, however far apart, are fewer than 4');
  assert.deepEqual(planCpuPinning([7, 3, 3, 5], 'on').plan, { generator: [3], proxy: [5], services: [7] }, 'unsorted ids with a repeat');
});
