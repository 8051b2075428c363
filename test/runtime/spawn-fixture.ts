// Starts a test fixture (a .ts file run through tsx) and resolves with its first stdout line.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export async function spawnFixture(name: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = once(lines, 'line').then(([l]) => l as string);
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${name} exited (${code}) before its first line:\n${stderr}`);
  });
  const line = await Promise.race([first, exited]);
  return { child, line };
}

export async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = await once(child, 'exit');
  return { code, signal };
}
