// Why: every command maps outcomes to the documented exit codes the same way: expected
// failures print their code, message and hint (exit 2 or 3), anything else is a bug (exit 70).
import { ExitCode, isMeshbenchError } from '../core/errors.ts';

/** Wraps a command body that returns its exit code, for commander's `.action(...)`. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    process.exitCode = await runGuarded(() => body(...args));
  };
}

export async function runGuarded(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (isMeshbenchError(err)) {
    process.stderr.write(`meshbench: ${err.message}\n`);
    if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
    process.stderr.write(`  (${err.code})\n`);
    return err.exitCode;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`meshbench: internal error — this is a bug, please report it.\n${detail}\n`);
  return ExitCode.internal;
}
