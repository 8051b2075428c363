import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanLeftovers } from '../../src/runtime/clean.ts';
import { Ledger, ledgerDir, newRunId, processStartTime, readLedgers, runIdOfName, type LedgerEntry } from '../../src/runtime/ledger.ts';

const stateDir = mkdtempSync(path.join(tmpdir(), 'meshbench-test-'));
process.env.MESHBENCH_STATE_DIR = stateDir;
after(() => rmSync(stateDir, { recursive: true, force: true }));

const fileOf = (runId: string) => path.join(ledgerDir(), `${runId}.json`);

describe('Ledger', () => {
  it('run ids are short and name-safe, and names map back to them', () => {
    const ids = new Set(Array.from({ length: 50 }, newRunId));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, /^[a-z0-9]{6,8}$/);
    assert.equal(runIdOfName('meshbench-ab12cd34-3'), 'ab12cd34');
    assert.equal(runIdOfName('meshbench-ab12cd34'), 'ab12cd34');
    assert.equal(runIdOfName('docker-ab12cd34'), null);
  });

  it('writes each entry to disk when recorded, drops it when released, and deletes an empty ledger on close', () => {
    const runId = newRunId();
    const ledger = Ledger.open(runId);
    const table: LedgerEntry = { kind: 'nft-table', family: 'inet', name: `meshbench-${runId}-1` };
    const cgroup: LedgerEntry = { kind: 'cgroup', path: `/sys/fs/cgroup/freezer/meshbench-${runId}-cpu-1` };
    ledger.record(table);
    ledger.record(cgroup);
    const onDisk = JSON.parse(readFileSync(fileOf(runId), 'utf8'));
    assert.deepEqual(onDisk.entries, [table, cgroup]);
    assert.equal(onDisk.owner.pid, process.pid);
    ledger.release(table);
    assert.deepEqual(readLedgers(runId)[0]!.entries, [cgroup]);
    assert.deepEqual(ledger.entries(), [cgroup]);
    ledger.release(cgroup);
    ledger.close();
    assert.equal(existsSync(fileOf(runId)), false);
  });

  it('keeps a ledger with unreleased entries on close, for meshbench clean', () => {
    const runId = newRunId();
    const ledger = Ledger.open(runId);
    ledger.record({ kind: 'netns', name: `meshbench-${runId}-gone` });
    ledger.close();
    assert.equal(readLedgers(runId)[0]!.entries.length, 1);
    rmSync(fileOf(runId));
  });
});

describe('cleaning recorded processes', () => {
  it('kills a recorded process, but not a reused pid (start time differs)', async () => {
    const runId = newRunId();
    const ledger = Ledger.open(runId);
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const startTime = processStartTime(child.pid!)!;
    try {
      // The same pid with another start time is what a recycled pid looks like.
      ledger.record({ kind: 'process', pid: child.pid!, startTime: startTime + 1 });
      const first = await cleanLeftovers({ runId });
      assert.deepEqual(first.removed, []);
      assert.equal(processStartTime(child.pid!), startTime, 'the unrelated process still runs');

      const again = Ledger.open(runId);
      again.record({ kind: 'process', pid: child.pid!, startTime });
      const second = await cleanLeftovers({ runId });
      assert.deepEqual(second.removed, [`process ${child.pid}`]);
      await exited;
      assert.equal(existsSync(fileOf(runId)), false, 'a fully cleaned ledger is deleted');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('leaves the ledger of a live run alone unless forced', async () => {
    const runId = newRunId();
    const owner = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { Ledger } = await import(${JSON.stringify(path.resolve('src/runtime/ledger.ts'))});
      Ledger.open(${JSON.stringify(runId)}).record({ kind: 'netns', name: 'meshbench-${runId}-x' });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((r) => owner.stdout!.once('data', r));
      const report = await cleanLeftovers({ runId });
      assert.deepEqual(report.liveRuns, [runId]);
      assert.equal(existsSync(fileOf(runId)), true);
      const forced = await cleanLeftovers({ runId, force: true });
      assert.deepEqual(forced.failed, []);
      assert.equal(existsSync(fileOf(runId)), false);
    } finally {
      owner.kill('SIGKILL');
    }
  });
});
