// Baseline files on disk: a baseline saved before baselines kept several runs (a plain
// result.json) still loads, as a history of one run; a damaged baseline is bad input naming the
// field; a name that is not there yet is "no baseline", a path that is not there is an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addRun } from '../../src/gate/baseline-policy.ts';
import { baselineResults, findBaseline, loadBaseline, writeBaseline } from '../../src/gate/baseline-store.ts';
import { scenarioHash } from '../../src/result/scenario-hash.ts';
import { buildRunResult } from '../fixtures/run-result.ts';

let dir = '';
const result = buildRunResult();

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'meshbench-baseline-store-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('an old single-result baseline loads as one run with its scenario hash', async () => {
  await mkdir(path.join(dir, 'old'), { recursive: true });
  await writeFile(path.join(dir, 'old', 'main.json'), JSON.stringify(result));
  const b = (await findBaseline('main', path.join(dir, 'old')))!;
  assert.equal(b.doc.runs.length, 1);
  assert.equal(b.doc.scenario.hash, scenarioHash(result.scenario));
  assert.equal(baselineResults(b)[0]!.id, result.id);
});

test('a saved history round-trips; a damaged one names the field', async () => {
  const { doc } = addRun(addRun(null, 'main', result, { keep: 3, savedAt: 't0', forced: null }).doc, 'main', { ...result, id: 'second' }, { keep: 3, savedAt: 't1', forced: ['validity inconclusive'] });
  const file = await writeBaseline(doc, path.join(dir, 'new'));
  const back = await loadBaseline('main', path.join(dir, 'new'));
  assert.deepEqual(back.doc.runs.map((r) => [r.result.id, r.savedAt, r.forced]), [[result.id, 't0', null], ['second', 't1', ['validity inconclusive']]]);
  await writeFile(file, JSON.stringify({ ...doc, keep: 0 }));
  await assert.rejects(loadBaseline('main', path.join(dir, 'new')), /main\.json: keep must be a positive integer/);
  const broken = { ...doc, runs: [{ ...doc.runs[0], result: { ...result, arms: 'none' } }] };
  await writeFile(file, JSON.stringify(broken));
  await assert.rejects(loadBaseline('main', path.join(dir, 'new')), /runs\[0\]\.result is not a sound run result/);
});

test('a missing name is no baseline yet; a missing path is an error', async () => {
  assert.equal(await findBaseline('nightly', path.join(dir, 'none')), null);
  await assert.rejects(loadBaseline('nightly', path.join(dir, 'none')), /no baseline "nightly" in .*none \(baselines there: none\)/);
  await assert.rejects(loadBaseline('gone/result.json', dir), /no baseline file gone\/result\.json/);
});
