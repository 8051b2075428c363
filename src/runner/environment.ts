// Why: a latency figure means little without the machine it came from; every result records it.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { EnvironmentInfo } from '../result/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { repoPath } from '../runtime/child.ts';

export function describeEnvironment(scenario: Scenario): EnvironmentInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    kernel: os.release(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    backend: scenario.backend.kind,
  };
}

export function meshbenchVersion(): string {
  return (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
}
