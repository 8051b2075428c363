// Why: nft, ip and taskset are driven as commands; their failures must carry the command's own
// stderr so a user sees the kernel's reason ("Operation not permitted"), not a bare exit code.
import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never rejects (a missing binary is code 127). */
export function runCommand(file: string, args: string[], input?: string, timeoutMs = 10_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === 127 ? err.message : '') });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs a command and throws with its stderr when it fails. */
export async function mustRun(file: string, args: string[], input?: string, timeoutMs?: number): Promise<string> {
  const r = await runCommand(file, args, input, timeoutMs);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}
