// `gate`, `report` and `baseline` read result.json from disk, where it may have been edited or
// cut short. Every field of a sound result is corrupted in turn (removed, or given a value of the
// wrong type): the command must either refuse the file as bad input (exit 2) naming that field,
// or work — never crash (exit 70). Baseline names are identifiers, never paths.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { readRunResult } from '../../src/result/read.ts';
import { buildRunResult } from '../fixtures/run-result.ts';
import { cli } from '../scenario/cli-in-process.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'meshbench-read-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One path per distinct field (list items: the first), outermost first, e.g. ['arms', 0, 'repeats']. */
function fieldPaths(value: Json, prefix: Array<string | number> = [], seen = new Set<string>()): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const shape = prefix.map((k) => (typeof k === 'number' ? '[]' : k)).join('.');
  if (prefix.length > 0 && !seen.has(shape)) {
    seen.add(shape);
    out.push(prefix);
  }
  if (Array.isArray(value)) {
    if (value.length > 0) out.push(...fieldPaths(value[0]!, [...prefix, 0], seen));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // byStatus, counters, headers, subset: free keys, checked as a whole.
      if (['byStatus', 'counters', 'headers', 'subset', 'config'].includes(String(prefix.at(-1)))) continue;
      out.push(...fieldPaths(v, [...prefix, k], seen));
    }
  }
  return out;
}

function pathText(keys: Array<string | number>): string {
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function withField(doc: Json, keys: Array<string | number>, change: (parent: Record<string | number, Json>, key: string | number) => void): Json {
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let parent = copy;
  for (const k of keys.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  change(parent, keys.at(-1)!);
  return copy;
}

/** A value of another type than `value`. */
function wrongType(value: Json): Json {
  if (typeof value === 'number') return 'seven';
  if (typeof value === 'string') return 7;
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return { not: 'a list' };
  if (value === null) return [1, 2];
  return 'an object was here';
}

test('every field, removed or of the wrong type: gate and report exit 2 naming it, or work; never crash', async () => {
  const sound = JSON.parse(JSON.stringify(buildRunResult())) as Json;
  const paths = fieldPaths(sound);
  assert.ok(paths.length > 150, `${paths.length} fields`);
  const failures: string[] = [];
  let refused = 0;
  for (const keys of paths) {
    for (const [how, change] of [
      ['removed', (p: Record<string | number, Json>, k: string | number) => void (Array.isArray(p) ? p.splice(Number(k), 1, null as unknown as Json) : delete p[k])],
      ['wrong type', (p: Record<string | number, Json>, k: string | number) => void (p[k] = wrongType(p[k]!))],
    ] as const) {
      const file = path.join(dir, 'result.json');
      await writeFile(file, JSON.stringify(withField(sound, keys, change)));
      const name = `${pathText(keys)} ${how}`;
      try {
        await readRunResult(file);
      } catch (err) {
        if (!isMeshbenchError(err) || err.exitCode !== 2) failures.push(`${name}: read threw ${String(err)}`);
        else if (!err.message.includes(pathText(keys)) && !/^(schema|version)$/.test(pathText(keys))) failures.push(`${name}: the message does not name the field:\n${err.message}`);
        refused++;
        continue;
      }
      // Accepted: then the commands must work with it.
      for (const args of [['gate', file, '--gate', 'meshed.p99 < 1s'], ['report', file, '--out', path.join(dir, 'report')]]) {
        const { code, stderr } = await cli(...args);
        if (![0, 1].includes(code)) failures.push(`${name}: ${args[0]} exited ${code}: ${stderr.slice(0, 300)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(refused > paths.length, `${refused} of ${paths.length * 2} corruptions refused`);
});

test('a corrupt histogram is refused, not decoded into a crash', async () => {
  const doc = buildRunResult();
  doc.arms[0]!.repeats[0]!.windows[3]!.histogram = 'not-base64-hdr';
  const file = path.join(dir, 'hist.json');
  await writeFile(file, JSON.stringify(doc));
  const { code, stderr } = await cli('gate', file, '--gate', 'meshed.p99 < 1s');
  assert.equal(code, 2);
  assert.match(stderr, /arms\[0\]\.repeats\[0\]\.windows\[3\]\.histogram: is not an encoded HDR histogram/);
});

test('baseline show/save --name take identifiers only: a path is refused, nothing read or written', async () => {
  const result = path.join(dir, 'good.json');
  await writeFile(result, JSON.stringify(buildRunResult()));
  const baselines = path.join(dir, 'baselines');
  for (const name of ['../../etc/passwd', '/etc/passwd', '..', 'a/b', '.hidden', 'x'.repeat(300)]) {
    const show = await cli('baseline', 'show', '--name', name, '--dir', baselines);
    assert.equal(show.code, 2, name);
    assert.equal(show.stdout, '', 'nothing printed');
    assert.match(show.stderr, /is not a name: it must start with a letter or digit/);
    assert.ok(show.stderr.length < 600);
    const save = await cli('baseline', 'save', result, '--name', name, '--dir', baselines);
    assert.equal(save.code, 2, name);
  }
  const saved = await cli('baseline', 'save', result, '--name', 'main', '--dir', baselines);
  assert.equal(saved.code, 0, saved.stderr);
  const shown = await cli('baseline', 'show', '--name', 'main', '--dir', baselines);
  assert.equal(shown.code, 0);
  assert.match(shown.stdout, /^baseline main /);
});
