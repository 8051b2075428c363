import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/report/write-report.ts';
import { renderSummaryMarkdown } from '../../src/report/summary-md.ts';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { buildRunResult } from '../fixtures/run-result.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('writes index.html, summary.md and result.json into a directory it creates', async () => {
  const root = await mkdtemp(join(tmpdir(), 'meshbench-write-'));
  dirs.push(root);
  const result = buildRunResult();
  const out = await writeReport(result, join(root, 'runs', 'latest'));
  assert.equal(out.dir, join(root, 'runs', 'latest'));
  assert.equal(out.html, join(out.dir, 'index.html'));
  assert.deepEqual(JSON.parse(await readFile(out.json, 'utf8')), result);
  assert.match(await readFile(out.json, 'utf8'), /^\{\n  "schema": "meshbench.run-result",/);
  assert.equal(await readFile(out.markdown, 'utf8'), renderSummaryMarkdown(result));
  assert.match(await readFile(out.html, 'utf8'), /^<!doctype html>/);
});

test('an unwritable destination is an environment error with a hint', async () => {
  const root = await mkdtemp(join(tmpdir(), 'meshbench-write-'));
  dirs.push(root);
  const file = join(root, 'not-a-dir');
  await writeFile(file, 'x');
  await assert.rejects(writeReport(buildRunResult(), join(file, 'out')), (err: unknown) => {
    assert.ok(isMeshbenchError(err));
    assert.equal(err.code, 'report.write-failed');
    assert.equal(err.exitCode, 3);
    return true;
  });
});
