// `report` and `gate` keep reading results written before version 2: a real version-1
// result.json (a short retry storm run by meshbench 0.1.0 before this change) is upgraded,
// re-analysed by the current analysis, and says that its latency includes failures.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRunResult } from '../../src/result/read.ts';
import { buildRunResult } from '../fixtures/run-result.ts';

const V1 = fileURLToPath(new URL('../fixtures/v1-result.json', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/meshbench.js', import.meta.url));

test('a version-1 result is upgraded and analysed, and its validity names the version', async () => {
  const r = await readRunResult(V1);
  assert.equal(r.version, 2);
  assert.equal(r.upgradedFrom, 1);
  assert.deepEqual(r.scenario.conditions, []);
  const direct = r.arms.find((a) => a.name === 'direct')!;
  assert.deepEqual(direct.latencyAllMs, direct.latencyMs, 'v1 latency is all-request latency, kept as such');
  const failed = Object.values(direct.failures.byReason).reduce((a, b) => a + b, 0);
  assert.equal(failed, direct.requests.scheduled - direct.requests.ok, 'every failure has a reason');
  assert.ok(r.validity.reasons.some((x) => x.check === 'result-version' && /version 1, whose latency includes failed requests/.test(x.message)));
  assert.equal(r.incidents.length, 1);
  // The v1 verdict said "did not recover within 0 s after" a lock that ended with the run.
  assert.doesNotMatch(r.verdict.join('\n'), /within 0 s/);
  assert.match(r.verdict.find((l) => l.startsWith('Incident'))!, /recovery not judged: only 0 s measured after it/);
  assert.equal(r.gates, null);
});

function meshbench(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

test('`meshbench report` and `meshbench gate` work on a version-1 result', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-v1-'));
  try {
    const report = await meshbench(dir, 'report', V1, '--out', dir);
    assert.equal(report.code, 0, report.stderr);
    const html = await readFile(path.join(dir, 'index.html'), 'utf8');
    assert.match(html, /read from a version-1 result/);
    assert.match(await readFile(path.join(dir, 'summary.md'), 'utf8'), /result-version/);
    const gate = await meshbench(dir, 'gate', V1, '--no-scenario-gates', '--gate', 'meshed.p50 < 1s');
    assert.equal(gate.code, 0, gate.stderr);
    assert.match(gate.stdout, /^INCONCLUSIVE meshed\.p50 < 1s — .*not a valid comparison.*version 1, whose latency includes failed requests/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a version-2 result from before per-process proxy usage reads with an empty process list; a bad process entry is named', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-read-v2-'));
  try {
    const doc = JSON.parse(JSON.stringify(buildRunResult()));
    const meshed = doc.arms.find((a: { name: string }) => a.name === 'meshed');
    delete meshed.proxy.processes;
    for (const r of meshed.repeats) delete r.proxy.processes;
    const older = path.join(dir, 'older.json');
    await writeFile(older, JSON.stringify(doc));
    const read = await readRunResult(older);
    const proxy = read.arms.find((a) => a.name === 'meshed')!.proxy!;
    assert.deepEqual(proxy.processes, []);
    assert.deepEqual(read.arms.find((a) => a.name === 'meshed')!.repeats[0]!.proxy!.processes, []);

    meshed.proxy.processes = [{ repeat: 0, name: 'mesh-proxy-x', node: 'n1', cpuSeconds: 1, rssBytes: 'lots' }];
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify(doc));
    await assert.rejects(readRunResult(bad), /arms\[1\]\.proxy\.processes\[0\]\.rssBytes: expected a number/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the CPU pinning a run had reads back; a result from before it was recorded still reads; a bad one is named', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-read-pinning-'));
  try {
    const write = async (name: string, doc: unknown) => {
      const file = path.join(dir, name);
      await writeFile(file, JSON.stringify(doc));
      return file;
    };
    const base = JSON.parse(JSON.stringify(buildRunResult()));
    const pinned = { mode: 'on', applied: { generator: '0', proxy: '1', services: '1' }, reason: 'on: 2 CPUs (0-1): generator on cpu 0, proxy and services sharing cpu 1' };
    const unpinned = { mode: 'auto', applied: null, reason: 'auto: 2 CPUs (0-1), fewer than 4 — nothing is pinned' };
    for (const cpuPinning of [pinned, unpinned]) {
      const read = await readRunResult(await write(`${cpuPinning.mode}.json`, { ...base, host: { ...base.host, cpuPinning } }));
      assert.deepEqual(read.host.cpuPinning, cpuPinning);
    }
    delete base.host.cpuPinning;
    assert.equal((await readRunResult(await write('older.json', base))).host.cpuPinning, undefined, 'a result from before it was recorded reads as it is');

    const bad = (cpuPinning: unknown) => write('bad.json', { ...base, host: { ...base.host, cpuPinning } });
    await assert.rejects(readRunResult(await bad({ ...pinned, mode: 'always' })), /host\.cpuPinning\.mode: expected one of "auto", "on", "off", found "always"/);
    await assert.rejects(readRunResult(await bad({ ...pinned, applied: { ...pinned.applied, proxy: 1 } })), /host\.cpuPinning\.applied\.proxy: expected text, found 1/);
    await assert.rejects(readRunResult(await bad({ mode: 'off', applied: null })), /host\.cpuPinning\.reason: expected text, found nothing/);
    await assert.rejects(readRunResult(await bad(null)), /host\.cpuPinning: expected an object, found null/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
