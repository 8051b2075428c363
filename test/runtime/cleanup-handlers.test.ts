import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import { listNftTables } from '../../src/faults/nft.ts';
import { cleanLeftovers } from '../../src/runtime/clean.ts';
import { newRunId, readLedgers } from '../../src/runtime/ledger.ts';
import { exitOf, spawnFixture } from './spawn-fixture.ts';

const caps = await detectCapabilities();
const skip = !caps.root ? 'needs root for nftables' : !caps.nft.usable ? `nftables unusable: ${caps.nft.problem}` : false;

async function tablesOf(runId: string): Promise<string[]> {
  return (await listNftTables()).map((t) => t.name).filter((n) => n.startsWith(`meshbench-${runId}`));
}

/** Starts a guarded run with a loss table in place, ends it as `ending` says, returns its exit. */
async function guardedRun(ending: string, signal?: NodeJS.Signals) {
  const runId = newRunId();
  const { child } = await spawnFixture('guarded-run.ts', [runId, ending]);
  try {
    assert.equal((await tablesOf(runId)).length, 1, 'the fault is in place');
    child.stdin!.write('go\n');
    if (signal) child.kill(signal);
    return { runId, exit: await exitOf(child) };
  } finally {
    child.kill('SIGKILL');
  }
}

describe('installCleanupHandlers', { skip }, () => {
  const cases: Array<{ how: string; ending: string; signal?: NodeJS.Signals; code: number }> = [
    { how: 'Ctrl-C (SIGINT)', ending: 'wait', signal: 'SIGINT', code: 130 },
    { how: 'SIGTERM', ending: 'wait', signal: 'SIGTERM', code: 143 },
    { how: 'an uncaught exception', ending: 'throw', code: 70 },
    { how: 'an unhandled rejection', ending: 'reject', code: 70 },
    { how: 'a normal end', ending: 'return', code: 0 },
  ];
  for (const c of cases) {
    it(`removes the run's state on ${c.how} and exits ${c.code}`, async () => {
      const { runId, exit } = await guardedRun(c.ending, c.signal);
      assert.equal(exit.code, c.code);
      assert.deepEqual(await tablesOf(runId), []);
      assert.deepEqual(readLedgers(runId), [], 'the ledger is closed');
    });
  }

  it('a process.exit() that skipped cleanup is cleaned by a detached `clean --run` right after', async () => {
    const { runId, exit } = await guardedRun('exit');
    assert.equal(exit.code, 5);
    try {
      for (let i = 0; i < 100 && (await tablesOf(runId)).length > 0; i++) await sleep(100);
      assert.deepEqual(await tablesOf(runId), []);
    } finally {
      await cleanLeftovers({ runId });
    }
  });
});
