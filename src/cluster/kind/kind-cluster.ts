// Why: kind is how users get a Kubernetes on a laptop; `meshbench cluster up --provider kind`
// creates it from the shipped kind-config.yaml (a control plane and two workers in zones `no`
// and `de`), builds the meshbench image with Docker and loads it into the nodes. The commands
// are data (so a test checks exactly what is issued) and run through an injected executor;
// without a Docker engine the pre-flight says so before anything is created.
import { environmentError } from '../../core/errors.ts';
import { repoPath } from '../../runtime/child.ts';

export const KIND_CLUSTER_NAME = 'meshbench';
export const KIND_CONTEXT = `kind-${KIND_CLUSTER_NAME}`;
export const KIND_IMAGE = 'meshbench:dev';

export interface Command {
  argv: string[];
  /** What it does, for progress output. */
  why: string;
}

export type Execute = (argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

export function kindPreflight(): Command[] {
  return [
    { argv: ['kind', 'version'], why: 'kind is installed' },
    { argv: ['docker', 'info', '--format', '{{.ServerVersion}}'], why: 'a Docker engine answers' },
  ];
}

export function kindUpCommands(repoRoot = repoPath('.')): Command[] {
  return [
    { argv: ['kind', 'create', 'cluster', '--name', KIND_CLUSTER_NAME, '--config', `${repoRoot.replace(/\/$/, '')}/kind-config.yaml`, '--wait', '120s'], why: 'create the cluster (1 control plane, workers in zones no and de)' },
    { argv: ['docker', 'build', '-t', KIND_IMAGE, repoRoot.replace(/\/$/, '')], why: 'build the meshbench image' },
    { argv: ['kind', 'load', 'docker-image', KIND_IMAGE, '--name', KIND_CLUSTER_NAME], why: 'load the image into every node' },
  ];
}

export function kindDownCommands(): Command[] {
  return [{ argv: ['kind', 'delete', 'cluster', '--name', KIND_CLUSTER_NAME], why: 'delete the cluster and its node containers' }];
}

const PREFLIGHT_FIX: Record<string, string> = {
  kind: 'Install kind (https://kind.sigs.k8s.io, e.g. `go install sigs.k8s.io/kind@latest`), or use `--provider local`.',
  docker: 'kind runs its nodes as Docker containers: start a Docker engine (`docker info` must answer), or use `--provider local`, which needs no Docker.',
};

/** Runs the commands in order; the first failure stops with the command's own words. */
export async function runCommands(commands: Command[], execute: Execute, onProgress: (line: string) => void): Promise<string[]> {
  const outputs: string[] = [];
  for (const c of commands) {
    onProgress(`${c.why}: ${c.argv.join(' ')}`);
    const r = await execute(c.argv);
    if (r.code !== 0) {
      const tool = c.argv[0]!;
      throw environmentError('E_CLUSTER_KIND', `\`${c.argv.join(' ')}\` failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n')}`, PREFLIGHT_FIX[tool] ?? 'See the command output above.');
    }
    outputs.push(r.stdout);
  }
  return outputs;
}

export async function kindClusterUp(execute: Execute, onProgress: (line: string) => void): Promise<{ context: string }> {
  await runCommands(kindPreflight(), execute, onProgress);
  const clusters = await execute(['kind', 'get', 'clusters']);
  if (clusters.code === 0 && clusters.stdout.split('\n').includes(KIND_CLUSTER_NAME)) {
    onProgress(`kind cluster ${KIND_CLUSTER_NAME} exists; rebuilding and loading the image`);
    await runCommands(kindUpCommands().slice(1), execute, onProgress);
  } else {
    await runCommands(kindUpCommands(), execute, onProgress);
  }
  return { context: KIND_CONTEXT };
}

export async function kindClusterDown(execute: Execute, onProgress: (line: string) => void): Promise<void> {
  await runCommands([kindPreflight()[0]!, ...kindDownCommands()], execute, onProgress);
}
