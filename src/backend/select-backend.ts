// Why: the one place that maps a scenario's `backend.kind` to the module implementing the
// backend contract; nothing else in the runner, analysis, report or gates asks which it is.
import { environmentError } from '../core/errors.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Backend } from './contract.ts';
import { embeddedBackend } from './embedded/embedded-backend.ts';

export function selectBackend(scenario: Scenario): Backend {
  switch (scenario.backend.kind) {
    case 'embedded':
      return embeddedBackend;
    case 'kubernetes':
      throw environmentError(
        'E_BACKEND_UNAVAILABLE',
        `${scenario.file}: backend "kubernetes" cannot run in this build of meshbench yet; only the embedded backend (local processes on loopback) runs`,
        'Run without --backend kubernetes and without a `backend: kubernetes` block (the embedded backend), or use a meshbench build whose README documents "Run on Kubernetes".',
      );
  }
}
