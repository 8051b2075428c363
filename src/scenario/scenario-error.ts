// Why: a scenario with five mistakes should cost one edit-run cycle, not five. Validation
// collects every problem with its position, field path and a fix, and throws them together.
import { ExitCode, MeshbenchError } from '../core/errors.ts';

export interface ScenarioProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Field path, e.g. `topology.services[1].pool`; empty for YAML syntax errors. */
  path: string;
  message: string;
  hint: string;
}

export class ScenarioError extends MeshbenchError {
  readonly problems: readonly ScenarioProblem[];

  constructor(problems: readonly ScenarioProblem[]) {
    super(
      'E_SCENARIO',
      problems.map(formatProblem).join('\n'),
      'scenarios/schema.json gives editors autocomplete and a description of every field',
      ExitCode.badInput,
    );
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/** `file:line:col  path: message (hint)` */
export function formatProblem(p: ScenarioProblem): string {
  const where = p.path === '' ? '' : `${p.path}: `;
  const hint = p.hint === '' ? '' : ` (${p.hint})`;
  return `${p.file}:${p.line}:${p.column}  ${where}${p.message}${hint}`;
}
