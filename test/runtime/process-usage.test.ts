// CPU seconds and RSS are what the capacity plan buys nodes by, read from /proc: checked against
// what this very process knows about itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineCpuTicks, processUsage } from '../../src/runtime/process-usage.ts';

test('a process’s CPU seconds and RSS agree with what it reports about itself', async () => {
  const burnUntil = performance.now() + 300;
  while (performance.now() < burnUntil) Math.sqrt(Math.random());
  const usage = (await processUsage(process.pid))!;
  const own = process.cpuUsage();
  const ownS = (own.user + own.system) / 1e6;
  // /proc counts in 10 ms ticks.
  assert.ok(Math.abs(usage.cpuSeconds - ownS) < 0.05, `/proc ${usage.cpuSeconds} s vs cpuUsage ${ownS} s`);
  const rss = process.memoryUsage().rss;
  assert.ok(Math.abs(usage.rssBytes - rss) / rss < 0.2, `/proc ${usage.rssBytes} B vs memoryUsage ${rss} B`);
  assert.equal(await processUsage(2 ** 30), null, 'a process that does not exist has no usage');
});

test('the machine’s busy ticks grow with work; neither they nor the hypervisor’s steal exceed the total', async () => {
  const a = (await machineCpuTicks())!;
  const burnUntil = performance.now() + 200;
  while (performance.now() < burnUntil) Math.sqrt(Math.random());
  const b = (await machineCpuTicks())!;
  assert.ok(b.busy > a.busy && b.total > a.total);
  assert.ok(b.busy - a.busy <= b.total - a.total);
  assert.ok(b.steal >= a.steal && b.steal - a.steal <= b.total - a.total, 'steal is a share of the total');
});
