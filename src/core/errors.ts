// Why: a user must be able to tell "your input is wrong" (fix it, exit 2) from "this machine
// cannot do that" (exit 3) from "a gate failed" (exit 1) from "meshbench has a bug". Every
// expected failure carries a stable code and a hint; anything else is reported as a bug.

export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  badInput: 2,
  environment: 3,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: bad input or an environment that cannot do what was asked. */
export class MeshbenchError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, hint: string, exitCode: ExitCode = ExitCode.badInput) {
    super(message);
    this.name = 'MeshbenchError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

/** Bad input from the user: a file, a flag, a field. Exit code 2. */
export function badInput(code: string, message: string, hint: string): MeshbenchError {
  return new MeshbenchError(code, message, hint, ExitCode.badInput);
}

/** The machine cannot do what the scenario asks (no root, no nftables, port taken). Exit 3. */
export function environmentError(code: string, message: string, hint: string): MeshbenchError {
  return new MeshbenchError(code, message, hint, ExitCode.environment);
}

/** A broken invariant inside meshbench: always a bug, never the user's fault. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

export function isMeshbenchError(err: unknown): err is MeshbenchError {
  return err instanceof MeshbenchError;
}
