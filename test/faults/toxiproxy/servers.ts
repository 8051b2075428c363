// Why: the contract and toxic tests run against two servers: meshbench's bundled one and the
// real toxiproxy-server built from the Go module pinned in tools/toxiproxy/go.mod (by
// tools/toxiproxy/build.sh, cached under ~/.cache/meshbench/toxiproxy/<version>/). Locally a
// missing binary skips the real server with the reason; in CI (CI=true) it is a failure, so a
// broken build cannot quietly turn the reference tests into skips.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import { cacheDir } from '../../../src/runtime/cache-dir.ts';
import { join } from 'node:path';
import { startToxiproxyServer } from '../../../src/faults/toxiproxy/server.ts';

export type ServerKind = 'bundled' | 'real';

export interface ServerUnderTest {
  kind: ServerKind;
  url: string;
  close(): Promise<void>;
}

const repo = join(import.meta.dirname, '../../..');

/** The toxiproxy version pinned in tools/toxiproxy/go.mod, e.g. "v2.12.0". */
export function pinnedToxiproxyVersion(): string {
  const goMod = readFileSync(join(repo, 'tools/toxiproxy/go.mod'), 'utf8');
  const match = /^\s*github\.com\/Shopify\/toxiproxy\/v2 (v\S+)/m.exec(goMod);
  if (!match?.[1]) throw new Error('tools/toxiproxy/go.mod pins no github.com/Shopify/toxiproxy/v2 version');
  return match[1];
}

export function realServerBinary(): string {
  return join(cacheDir(), 'toxiproxy', pinnedToxiproxyVersion(), 'toxiproxy-server');
}

/** Why the real server cannot be tested here, or null when it can. */
export function realServerMissing(): string | null {
  const binary = realServerBinary();
  if (existsSync(binary)) return null;
  const reason = `no real toxiproxy-server at ${binary} (run bash tools/toxiproxy/build.sh)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  return reason;
}

/** Both kinds, each with the reason it is skipped (false = runs). */
export function serverKinds(): Array<{ kind: ServerKind; skip: string | false }> {
  return [
    { kind: 'bundled', skip: false },
    { kind: 'real', skip: realServerMissing() ?? false },
  ];
}

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitForApi(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/version`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function startReal(): Promise<ServerUnderTest> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(realServerBinary(), ['-host', '127.0.0.1', '-port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    const exited = once(child, 'exit');
    const url = `http://127.0.0.1:${port}`;
    if (await waitForApi(url, child, 10_000)) {
      return {
        kind: 'real',
        url,
        async close() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    if (attempt === 2) throw new Error(`toxiproxy-server did not answer on ${url}: ${stderr}`);
  }
  throw new Error('unreachable');
}

export async function startServer(kind: ServerKind, seed: number): Promise<ServerUnderTest> {
  if (kind === 'real') return startReal();
  const server = await startToxiproxyServer({ seed });
  return { kind, url: server.url, close: () => server.close() };
}
