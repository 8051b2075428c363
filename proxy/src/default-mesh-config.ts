// Why: tools and tests that start a proxy without a scenario get exactly the defaults a
// scenario gets (Linkerd/Finagle values, owned by the scenario format), as a mutable copy.
import { DEFAULT_MESH } from '../../src/scenario/defaults.ts';
import type { MeshConfig } from '../../src/scenario/types.ts';

export function defaultMeshConfig(): MeshConfig {
  return structuredClone(DEFAULT_MESH) as MeshConfig;
}
