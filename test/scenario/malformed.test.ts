// The malformed-scenario corpus (test/scenario/malformed/, one mistake per file, its expected
// position and field in the file's own header): `validate` exits 2 naming exactly that
// file:line:col and field, and `run` refuses the file the same way before starting anything —
// no process, no ledger, no report directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { childPids as children, cli } from './cli-in-process.ts';

const repo = join(import.meta.dirname, '../..');
const dir = join(import.meta.dirname, 'malformed');

test('the corpus has at least 60 malformed scenarios, each with one expected problem', async () => {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 60, `${files.length} files`);
  for (const f of files) assert.match(await readFile(join(dir, f), 'utf8'), /^# mistake: .+\n# expect: \d+:\d+ \S.*\n/, f);
});

test('validate and run refuse each malformed scenario: exit 2, its file:line:col and field, nothing started', async () => {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const state = await mkdtemp(join(tmpdir(), 'meshbench-corpus-state-'));
  const out = await mkdtemp(join(tmpdir(), 'meshbench-corpus-out-'));
  const previousState = process.env.MESHBENCH_STATE_DIR;
  process.env.MESHBENCH_STATE_DIR = state;
  const before = children();
  const failures: string[] = [];
  try {
    for (const f of files) {
      const file = relative(repo, join(dir, f));
      const text = await readFile(join(dir, f), 'utf8');
      const [, line, column, path] = /^# expect: (\d+):(\d+) (.+)$/m.exec(text)!;
      const expected = `${file}:${line}:${column}  ${path}: `;

      const validate = await cli('validate', file);
      const problems = validate.stderr.split('\n').filter((l) => l.includes(`${file}:`));
      if (validate.code !== 2) failures.push(`${f}: validate exited ${validate.code}\n${validate.stderr}`);
      else if (problems.length !== 1 || !problems[0]!.replace(/^meshbench: /, '').startsWith(expected)) {
        failures.push(`${f}: expected one problem "${expected}…", got:\n${validate.stderr}`);
      } else if (validate.stderr.length > 2_000) failures.push(`${f}: ${validate.stderr.length} characters of stderr`);
      if (validate.code !== 2) continue; // never `run` a file that validates

      const runDir = join(out, f);
      const run = await cli('run', file, '--out', runDir, '--quiet');
      if (run.code !== 2 || !run.stderr.includes(expected)) failures.push(`${f}: run exited ${run.code}:\n${run.stderr}`);
      if (existsSync(runDir)) failures.push(`${f}: run created ${runDir}`);
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(children().filter((pid) => !before.includes(pid)), [], 'no process was started');
    assert.deepEqual(await readdir(state).catch(() => []), [], 'no ledger (or other state) was written');
  } finally {
    if (previousState === undefined) delete process.env.MESHBENCH_STATE_DIR;
    else process.env.MESHBENCH_STATE_DIR = previousState;
    await rm(state, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  }
});
