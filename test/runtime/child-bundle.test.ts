// Local children run from esbuild bundles rebuilt only when a source they read changes: what a
// user edits is what runs, and a run does not pay for transpiling TypeScript.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ensureBundle } from '../../src/runtime/child-bundle.ts';
import { startChild } from '../../src/runtime/child.ts';
import type { HogCommand, HogEvent } from '../../src/faults/cpu-hog.ts';

const root = mkdtempSync(path.join(tmpdir(), 'meshbench-bundle-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a bundle is reused while its sources are unchanged and rebuilt when one changes', () => {
  const repoRoot = path.join(root, 'repo');
  const cacheRoot = path.join(root, 'cache');
  execFileSync('mkdir', ['-p', path.join(repoRoot, 'lib')]);
  writeFileSync(path.join(repoRoot, 'main.ts'), "import { word } from './lib/word.ts';\nconst n: number = 1;\nconsole.log(word, n);\n");
  writeFileSync(path.join(repoRoot, 'lib/word.ts'), "export const word: string = 'one';\n");
  const spec = { repoRoot, entries: ['main.ts'], cacheRoot };
  const run = (file: string) => execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim();

  const first = ensureBundle(spec).get('main.ts')!;
  assert.equal(run(first), 'one 1');
  assert.equal(ensureBundle(spec).get('main.ts'), first, 'nothing changed: the same build');

  writeFileSync(path.join(repoRoot, 'lib/word.ts'), "export const word: string = 'two!';\n"); // an imported file, not the entry
  const second = ensureBundle(spec).get('main.ts')!;
  assert.notEqual(second, first);
  assert.equal(run(second), 'two! 1');

  for (const w of ['three', 'four', 'five!']) {
    writeFileSync(path.join(repoRoot, 'lib/word.ts'), `export const word: string = '${w}';\n`);
    ensureBundle(spec);
  }
  assert.ok(readdirSync(cacheRoot).filter((d) => d.startsWith('build-')).length <= 3, 'old builds are pruned');
});

test('children run their bundle with plain node, and a bundle carries neither tsx nor esbuild', async () => {
  const hog = startChild<HogCommand, HogEvent>('src/faults/cpu-hog.ts', { label: 'bundled hog' });
  try {
    await hog.next('ready', 15_000);
    const argv = readFileSync(`/proc/${hog.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(argv.some((a) => a.endsWith('src__faults__cpu-hog.mjs')), argv.join(' '));
    assert.ok(!argv.some((a) => a.includes('tsx')), argv.join(' '));
    const dir = path.dirname(argv.find((a) => a.endsWith('.mjs'))!);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs'))) {
      const code = readFileSync(path.join(dir, file), 'utf8');
      assert.ok(!code.includes('ESBUILD_BINARY_PATH'), `${file} bundles esbuild`);
      assert.ok(!code.includes('tsx/esm'), `${file} bundles tsx`);
    }
  } finally {
    await hog.stop();
  }
});
