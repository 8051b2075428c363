// Why: the local cluster runs upstream Kubernetes built from the k8s.io/kubernetes Go module and
// a pod sandbox built from the project's own pause program; builds are slow (minutes) so both
// are cached under ~/.cache/meshbench, keyed by their sources, and reused by every `cluster up`.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { environmentError } from '../../core/errors.ts';
import { mustRun } from '../../faults/run-command.ts';
import { cacheDir } from '../../runtime/cache-dir.ts';
import { repoPath } from '../../runtime/child.ts';

/** Where the Kubernetes binaries for this checkout's go.mod are (or will be) cached. */
export async function kubernetesCacheDir(): Promise<string> {
  return (await mustRun('bash', [repoPath('cluster/local/k8s/build.sh'), '--print-path'], undefined, 10_000)).trim();
}

/** Runs cluster/local/k8s/build.sh (a no-op when cached); returns the directory of the binaries. */
export async function buildKubernetes(onLine: (line: string) => void): Promise<string> {
  const script = repoPath('cluster/local/k8s/build.sh');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { env: { ...process.env, MESHBENCH_CACHE: cacheDir() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderrTail = (stderrTail + d.toString()).slice(-3000);
      for (const line of d.toString().split('\n').filter(Boolean)) onLine(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const dir = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && existsSync(path.join(dir, 'kube-apiserver'))) resolve(dir);
      else
        reject(
          environmentError(
            'E_CLUSTER_BUILD',
            `building Kubernetes from the k8s.io/kubernetes module failed (exit ${code}):\n${stderrTail.trim()}`,
            'The build needs Go and the Go module proxy; run `bash cluster/local/k8s/build.sh` to see the whole output.',
          ),
        );
    });
  });
}

/** Builds the pause program (cached by its source); returns the binary's path. */
export async function buildPause(): Promise<string> {
  const src = repoPath('cluster/local/pause');
  const key = createHash('sha256').update(readFileSync(path.join(src, 'main.go'))).update(readFileSync(path.join(src, 'go.mod'))).digest('hex').slice(0, 12);
  const out = path.join(cacheDir(), `pause-${key}`);
  if (existsSync(out)) return out;
  await mustRun('sh', ['-c', `cd "${src}" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "${out}.tmp" .`], undefined, 600_000);
  renameSync(`${out}.tmp`, out);
  return out;
}
