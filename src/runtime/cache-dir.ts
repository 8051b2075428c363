// Why: everything meshbench builds and reuses across runs (Kubernetes binaries, images, bundled
// children) lives under one cache directory, ~/.cache/meshbench unless MESHBENCH_CACHE says.
import os from 'node:os';
import path from 'node:path';

export function cacheDir(): string {
  return process.env.MESHBENCH_CACHE ?? path.join(os.homedir(), '.cache', 'meshbench');
}
