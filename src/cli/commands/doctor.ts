// Why: `meshbench doctor` tells a user, before a long run, whether this host will measure the
// mesh or its own limits, and which faults it can inject — each problem with its fix.
import type { Command } from 'commander';
import { ExitCode, badInput } from '../../core/errors.ts';
import { doctorChecks, gatherHostFacts } from '../../runtime/doctor.ts';
import type { FaultKind } from '../../scenario/types.ts';
import { action } from '../action.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { kubernetesCacheDir } from '../../cluster/local/build.ts';
import { CNI_BIN_DIR } from '../../cluster/local/local-cluster.ts';
import { clusterChecks, gatherClusterFacts, PROVIDERS, type Provider } from '../../cluster/requirements.ts';

const NEEDABLE: readonly FaultKind[] = ['loss', 'partition', 'cpu-steal', 'noisy-neighbour'];

function parseNeed(value: string | undefined): FaultKind[] {
  if (!value) return [];
  const kinds = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = kinds.filter((k) => !NEEDABLE.includes(k as FaultKind));
  if (unknown.length > 0) throw badInput('doctor.need', `unknown fault kind(s): ${unknown.join(', ')}`, `use a comma-separated list of ${NEEDABLE.join(', ')}`);
  return kinds as FaultKind[];
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check this host: sysctls, open-file limit and the fault mechanisms it offers')
    .option('--need <kinds>', `fault kinds you will run (${NEEDABLE.join(',')}); their mechanisms must work`)
    .option('--cluster <provider>', `the cluster provider you will use (${PROVIDERS.join(' | ')}); what it needs must be there`)
    .action(
      action(async (opts: { need?: string; cluster?: string }) => {
        const need = parseNeed(opts.need);
        if (opts.cluster !== undefined && !(PROVIDERS as readonly string[]).includes(opts.cluster)) {
          throw badInput('doctor.cluster', `unknown cluster provider '${opts.cluster}'`, `use --cluster ${PROVIDERS.join(' or --cluster ')}`);
        }
        const clusterFacts = await gatherClusterFacts(CNI_BIN_DIR, existsSync(path.join(await kubernetesCacheDir(), 'kube')));
        const checks = [
          ...doctorChecks(await gatherHostFacts(), need),
          ...PROVIDERS.flatMap((p) => clusterChecks(clusterFacts, p, p === (opts.cluster as Provider | undefined))),
        ];
        for (const c of checks) {
          process.stdout.write(`${c.status.padEnd(4)}  ${c.name}: ${c.value}\n`);
          if (c.fix) process.stdout.write(`      fix: ${c.fix}\n`);
        }
        const failed = checks.filter((c) => c.status === 'fail').length;
        return failed > 0 ? ExitCode.environment : ExitCode.ok;
      }),
    );
}
