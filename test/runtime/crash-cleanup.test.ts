// A SIGKILLed run cannot clean up after itself; these tests kill one that left a packet-loss
// table, an unrecorded table, a frozen cgroup with a process in it, a child process, a network
// namespace and a proxy entry, and check that clean removes all of it and nothing of the host's.
// The default state dir is used on purpose: a global clean must see other live runs' ledgers.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { register } from '../../src/cli/commands/clean.ts';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import { mustRun } from '../../src/faults/run-command.ts';
import { cleanLeftovers } from '../../src/runtime/clean.ts';
import { newRunId, processStartTime, readLedgers } from '../../src/runtime/ledger.ts';
import { exitOf, spawnFixture } from './spawn-fixture.ts';

const caps = await detectCapabilities();
const skip = !caps.root
  ? 'needs root (nft, cgroups, netns)'
  : !caps.nft.usable
    ? `nftables unusable: ${caps.nft.problem}`
    : caps.cgroup.freezer === null
      ? 'no writable cgroup freezer'
      : !caps.netns.usable
        ? `no netns: ${caps.netns.problem}`
        : false;

interface Left {
  pids: number[];
  cgroup: string;
  netns: string;
}

async function hostState(): Promise<{ tables: string; links: string; netns: string }> {
  const notOurs = (out: string) => out.split('\n').filter((l) => !l.includes('meshbench-')).join('\n');
  return {
    tables: notOurs(await mustRun('nft', ['list', 'tables'])),
    links: (await mustRun('ip', ['-o', 'link'])).replace(/\s+/g, ' '),
    netns: notOurs(await mustRun('ip', ['netns', 'list'])),
  };
}

async function killedRun(runId: string): Promise<Left> {
  const { child, line } = await spawnFixture('leave-state.ts', [runId]);
  child.kill('SIGKILL');
  await exitOf(child);
  const left = JSON.parse(line) as Left;
  // The chaos really is left behind.
  const tables = await mustRun('nft', ['list', 'tables']);
  assert.match(tables, new RegExp(`meshbench-${runId}-1`));
  assert.match(tables, new RegExp(`meshbench-${runId}-stray`));
  assert.ok(existsSync(left.cgroup));
  assert.match(await mustRun('ip', ['netns', 'list']), new RegExp(left.netns));
  for (const pid of left.pids) assert.notEqual(processStartTime(pid), null, `process ${pid} outlived the run`);
  return left;
}

async function assertAllGone(runId: string, left: Left): Promise<void> {
  assert.doesNotMatch(await mustRun('nft', ['list', 'tables']), new RegExp(`meshbench-${runId}`));
  assert.equal(existsSync(left.cgroup), false);
  assert.doesNotMatch(await mustRun('ip', ['netns', 'list']), new RegExp(`meshbench-${runId}`));
  for (const pid of left.pids) assert.equal(processStartTime(pid), null, `process ${pid} is gone`);
  assert.deepEqual(readLedgers(runId), []);
}

describe('cleaning up after a SIGKILLed run', { skip }, () => {
  let host: Awaited<ReturnType<typeof hostState>>;
  before(async () => {
    host = await hostState();
  });

  it('cleanLeftovers() removes everything the run left, recorded or not, and nothing else', async () => {
    const runId = newRunId();
    const left = await killedRun(runId);
    const report = await cleanLeftovers();
    await assertAllGone(runId, left);
    const mine = report.removed.filter((r) => r.includes(runId) || left.pids.some((p) => r === `process ${p}`));
    assert.deepEqual([...mine].sort(), [
      `cgroup ${left.cgroup}`,
      `network namespace ${left.netns}`,
      `nft table inet meshbench-${runId}-1`,
      `nft table inet meshbench-${runId}-stray`,
      `process ${left.pids[0]}`,
      `process ${left.pids[1]}`,
    ].sort());
    assert.deepEqual(report.failed, []);
    assert.deepEqual(await hostState(), host);
  });

  it('`meshbench clean --run <id>` does the same for one run and says what it removed', async () => {
    const runId = newRunId();
    const left = await killedRun(runId);
    const program = new Command().exitOverride();
    register(program);
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'meshbench', 'clean', '--run', runId]);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(process.exitCode, 0);
    process.exitCode = undefined;
    await assertAllGone(runId, left);
    assert.match(out, new RegExp(`removed nft table inet meshbench-${runId}-1`));
    assert.match(out, new RegExp(`removed cgroup ${left.cgroup}`));
    assert.match(out, new RegExp(`removed process ${left.pids[0]}`));
    assert.deepEqual(await hostState(), host);
  });
});
