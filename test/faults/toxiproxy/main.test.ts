// The bundled server as a process: an IPC child reports ready with its URL, serves the API,
// and exits cleanly on SIGTERM; `meshbench toxiproxy` runs it standalone for people.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Toxiproxy } from 'toxiproxy-node-client';
import { BUNDLED_SERVER_VERSION } from '../../../src/faults/toxiproxy/api.ts';
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
  assert.equal(version.version, BUNDLED_SERVER_VERSION);
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

const BIN = fileURLToPath(new URL('../../../bin/meshbench.js', import.meta.url));

/** Runs `meshbench toxiproxy …`; resolves with the URL it prints, or its exit when it fails. */
function standalone(args: string[]): { child: ChildProcess; url: Promise<string>; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, 'toxiproxy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (stderr += c));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: string) => {
      stdout += c;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  url.catch(() => {});
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  return { child, url, exit };
}

test('`meshbench toxiproxy --port 0` serves the API until Ctrl-C, then exits 0', async () => {
  const run = standalone(['--port', '0', '--seed', '9']);
  const url = await run.url;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const client = new Toxiproxy(url);
  assert.equal((JSON.parse(await client.getVersion()) as { version: string }).version, BUNDLED_SERVER_VERSION);
  const proxy = await client.createProxy({ name: 'standalone', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
  assert.match(proxy.listen, /^127\.0\.0\.1:\d+$/);
  run.child.kill('SIGINT');
  assert.equal((await run.exit).code, 0);
});

test('`meshbench toxiproxy` refuses a bad flag (exit 2) and a taken port (exit 3)', async () => {
  for (const args of [['--port', '70000'], ['--host', 'not an address'], ['--seed', '-1']]) {
    const { code, stderr } = await standalone(args).exit;
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, /E_TOXIPROXY_FLAG/);
  }
  const taken = net.createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  const { code, stderr } = await standalone(['--port', String((taken.address() as net.AddressInfo).port)]).exit;
  taken.close();
  assert.equal(code, 3, stderr);
  assert.match(stderr, /EADDRINUSE/);
});
