// The bundled server as a process: an IPC child reports ready with its URL, serves the API,
// and exits cleanly on SIGTERM.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { ToxiproxyReady } from '../../../src/faults/toxiproxy/main.ts';
import { startChild, type Child } from '../../../src/runtime/child.ts';

const children: Array<Child<never, ToxiproxyReady>> = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
});

test('reports ready over IPC, serves the API, exits 0 on SIGTERM', async () => {
  const child = startChild<never, ToxiproxyReady>('src/faults/toxiproxy/main.ts', { label: 'toxiproxy', args: ['--port', '0', '--seed', '3'] });
  children.push(child);
  const ready = await child.next<ToxiproxyReady>('ready', 20_000);
  assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(ready.url, `http://127.0.0.1:${ready.port}`);
  const version = JSON.parse(await new Toxiproxy(ready.url).getVersion()) as { version: string };
  assert.equal(version.version, 'meshbench-bundled');
  await child.stop();
  assert.deepEqual(await child.exited, { code: 0, signal: null });
});

test('a bad flag exits with the bad-input code', async () => {
  const child = startChild<never, ToxiproxyReady>('src/faults/toxiproxy/main.ts', { label: 'toxiproxy', args: ['--port', 'eighty'] });
  children.push(child);
  const { code } = await child.exited;
  assert.equal(code, 2);
  assert.match(child.stderrTail(), /--port must be an integer/);
});
