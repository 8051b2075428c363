// Why: the one place that maps a scenario's `backend.kind` to the module implementing the
// backend contract; nothing else in the runner, analysis, report or gates asks which it is.
import type { Scenario } from '../scenario/types.ts';
import type { Backend } from './contract.ts';
import { embeddedBackend } from './embedded/embedded-backend.ts';
import { kubernetesBackend } from './kubernetes/kubernetes-backend.ts';

export function selectBackend(scenario: Scenario): Backend {
  switch (scenario.backend.kind) {
    case 'embedded':
      return embeddedBackend;
    case 'kubernetes':
      return kubernetesBackend;
  }
}
