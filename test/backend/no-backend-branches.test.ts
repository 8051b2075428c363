// DESIGN.md decision 9 as a check on the source: outside src/backend, no module reaches into a
// particular backend or asks which backend runs. The runner gets a Backend from
// select-backend.ts and talks to it only through src/backend/contract.ts.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../../src/runtime/child.ts';

const BACKEND_NEUTRAL = ['src/runner', 'src/analysis', 'src/report', 'src/gate', 'src/result', 'src/cli', 'src/load'];

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(repoPath(dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name)).map((e) => path.join(e.parentPath, e.name));
}

test('runner, analysis, report, gate, result, CLI and load never import a backend or branch on its kind', async () => {
  const offences: string[] = [];
  for (const dir of BACKEND_NEUTRAL) {
    for (const file of await sources(dir)) {
      const text = await readFile(file, 'utf8');
      const where = path.relative(repoPath('.'), file);
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
        if (/\/backend\/(embedded|kubernetes)\//.test(spec!)) offences.push(`${where} imports ${spec}`);
      }
      if (/backend\.kind\s*[!=]==|case '(embedded|kubernetes)'/.test(text)) offences.push(`${where} branches on the backend kind`);
    }
  }
  assert.deepEqual(offences, []);
});
