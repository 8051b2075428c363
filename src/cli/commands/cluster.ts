// Why: `meshbench cluster up|down|status` gives a user (and the test suite) a real Kubernetes to
// deploy scenarios into: kind where a Docker engine runs, or the local cluster built from
// upstream parts where none does. This file reads the flags, calls the provider, prints.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, badInput, environmentError } from '../../core/errors.ts';
import { runCommand } from '../../faults/run-command.ts';
import { kindClusterDown, kindClusterUp, KIND_CONTEXT, type Execute } from '../../cluster/kind/kind-cluster.ts';
import { listNodes, loadKubeConfig, type NodeSummary } from '../../cluster/kube-client.ts';
import { kubernetesCacheDir } from '../../cluster/local/build.ts';
import { clusterState, CNI_BIN_DIR, localClusterDown, localClusterUp } from '../../cluster/local/local-cluster.ts';
import { localLayout } from '../../cluster/local/layout.ts';
import { clusterChecks, gatherClusterFacts, PROVIDERS, type Provider } from '../../cluster/requirements.ts';
import { action } from '../action.ts';

const execute: Execute = (argv) => runCommand(argv[0]!, argv.slice(1), undefined, 900_000);
const progress = (line: string) => process.stderr.write(`${line}\n`);

function parseProvider(value: string): Provider {
  if ((PROVIDERS as readonly string[]).includes(value)) return value as Provider;
  throw badInput('cluster.provider', `unknown provider '${value}'`, `use --provider ${PROVIDERS.join(' or --provider ')}`);
}

function printNodes(nodes: NodeSummary[]): void {
  for (const n of nodes) {
    process.stdout.write(`node ${n.name}  zone=${n.zone ?? '-'}  ${n.ready ? 'Ready' : 'NotReady'}  ${n.kubeletVersion}  ip=${n.internalIp ?? '-'}  cpu=${n.capacity.cpu} memory=${n.capacity.memory}\n`);
  }
}

async function preflight(provider: Provider): Promise<void> {
  const cached = existsSync(path.join(await kubernetesCacheDir(), 'kube'));
  const failures = clusterChecks(await gatherClusterFacts(CNI_BIN_DIR, cached), provider, true).filter((c) => c.status === 'fail');
  if (failures.length > 0) {
    throw environmentError(
      'E_CLUSTER_UNSUPPORTED',
      `this machine cannot run the ${provider} cluster:\n  - ${failures.map((c) => `${c.name}: ${c.value}`).join('\n  - ')}`,
      failures.map((c) => c.fix).join('; '),
    );
  }
}

export function register(program: Command): void {
  const cluster = program.command('cluster').description('a Kubernetes cluster to run scenarios in: kind, or a local one built from upstream parts');
  cluster
    .command('up')
    .description('create the cluster (local: 2 nodes in zones no and de; kind: from kind-config.yaml) and load the meshbench image')
    .option('--provider <name>', `${PROVIDERS.join(' | ')}`, 'local')
    .action(
      action(async (opts: { provider: string }) => {
        const provider = parseProvider(opts.provider);
        await preflight(provider);
        if (provider === 'kind') {
          const { context } = await kindClusterUp(execute, progress);
          process.stdout.write(`context: ${context}\n`);
          return ExitCode.ok;
        }
        const up = await localClusterUp({ layout: localLayout(), onProgress: progress });
        printNodes(up.nodes);
        if (up.alreadyUp) progress('the local cluster was already up');
        else progress(`cluster up in ${up.seconds.toFixed(1)} s`);
        process.stdout.write(`context: ${up.context}\nkubeconfig: ${up.kubeconfig}\n`);
        return ExitCode.ok;
      }),
    );
  cluster
    .command('down')
    .description('delete the cluster and everything it created')
    .option('--provider <name>', `${PROVIDERS.join(' | ')}`, 'local')
    .action(
      action(async (opts: { provider: string }) => {
        if (parseProvider(opts.provider) === 'kind') {
          await kindClusterDown(execute, progress);
          return ExitCode.ok;
        }
        const report = await localClusterDown();
        for (const r of report.removed) process.stdout.write(`removed ${r}\n`);
        for (const f of report.failed) process.stderr.write(`could not remove ${f}\n`);
        if (report.removed.length === 0 && report.failed.length === 0) process.stdout.write('no local cluster\n');
        return report.failed.length > 0 ? ExitCode.environment : ExitCode.ok;
      }),
    );
  cluster
    .command('status')
    .description('is the cluster up; its nodes, zones and versions')
    .option('--provider <name>', `${PROVIDERS.join(' | ')}`, 'local')
    .action(
      action(async (opts: { provider: string }) => {
        if (parseProvider(opts.provider) === 'kind') {
          const kc = (await import('@kubernetes/client-node')).KubeConfig;
          const config = new kc();
          config.loadFromDefault();
          if (!config.getContexts().some((c) => c.name === KIND_CONTEXT)) {
            process.stdout.write('kind cluster: down (no context kind-meshbench)\n');
            return ExitCode.environment;
          }
          config.setCurrentContext(KIND_CONTEXT);
          printNodes(await listNodes(config));
          process.stdout.write(`context: ${KIND_CONTEXT}\n`);
          return ExitCode.ok;
        }
        const layout = localLayout();
        const state = clusterState();
        if (state.state !== 'up') {
          process.stdout.write(state.state === 'down' ? 'local cluster: down\n' : `local cluster: broken (${state.reason}); \`meshbench cluster down\` removes it\n`);
          return ExitCode.environment;
        }
        process.stdout.write(`local cluster: up (kube-apiserver pid ${state.apiserverPid})\n`);
        printNodes(await listNodes(loadKubeConfig(layout.kubeconfig)));
        process.stdout.write(`context: meshbench-local\nkubeconfig: ${layout.kubeconfig}\n`);
        return ExitCode.ok;
      }),
    );
}
