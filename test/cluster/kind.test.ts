// The kind path cannot run here (no Docker engine), so it is tested for the commands it issues,
// for the shipped kind-config.yaml and Dockerfile, and for refusing clearly on this machine.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ENTRIES } from '../../src/build/bundle.ts';
import { kindClusterDown, kindClusterUp, type Execute } from '../../src/cluster/kind/kind-cluster.ts';
import { MeshbenchError } from '../../src/core/errors.ts';
import { repoPath } from '../../src/runtime/child.ts';
import { main } from '../../src/cli/main.ts';

function recorder(fail: (argv: string[]) => boolean = () => false, clusters = '') {
  const issued: string[] = [];
  const execute: Execute = async (argv) => {
    issued.push(argv.join(' '));
    if (fail(argv)) return { code: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' };
    return { code: 0, stdout: argv.join(' ') === 'kind get clusters' ? clusters : '', stderr: '' };
  };
  return { issued, execute };
}

describe('kind provider', () => {
  it('up: checks kind and the Docker engine, creates the cluster from kind-config.yaml, builds and loads the image', async () => {
    const { issued, execute } = recorder();
    const { context } = await kindClusterUp(execute, () => {});
    assert.equal(context, 'kind-meshbench');
    const root = repoPath('.').replace(/\/$/, '');
    assert.deepEqual(issued, [
      'kind version',
      'docker info --format {{.ServerVersion}}',
      'kind get clusters',
      `kind create cluster --name meshbench --config ${root}/kind-config.yaml --wait 120s`,
      `docker build -t meshbench:dev ${root}`,
      'kind load docker-image meshbench:dev --name meshbench',
    ]);
  });

  it('up on an existing cluster only rebuilds and reloads the image', async () => {
    const { issued, execute } = recorder(() => false, 'other\nmeshbench\n');
    await kindClusterUp(execute, () => {});
    assert.ok(!issued.some((c) => c.startsWith('kind create')));
    assert.ok(issued.includes('kind load docker-image meshbench:dev --name meshbench'));
  });

  it('without a Docker engine: stops before creating anything, with exit 3 and the reason', async () => {
    const { issued, execute } = recorder((argv) => argv[0] === 'docker');
    await assert.rejects(kindClusterUp(execute, () => {}), (err: MeshbenchError) => {
      assert.equal(err.exitCode, 3);
      assert.match(err.message, /Cannot connect to the Docker daemon/);
      assert.match(err.hint, /--provider local/);
      return true;
    });
    assert.ok(!issued.some((c) => c.startsWith('kind create')));
  });

  it('down deletes the kind cluster', async () => {
    const { issued, execute } = recorder();
    await kindClusterDown(execute, () => {});
    assert.deepEqual(issued, ['kind version', 'kind delete cluster --name meshbench']);
  });

  it('`meshbench cluster up --provider kind` on this machine (no engine, no kind) exits 3 and starts nothing', async () => {
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['node', 'meshbench', 'cluster', 'up', '--provider', 'kind']);
    } finally {
      process.stderr.write = write;
      process.exitCode = undefined;
    }
    assert.equal(code, 3);
    assert.match(stderr.join(''), /cannot run the kind cluster/);
  });

  it('kind-config.yaml: a control plane and two workers labelled with the zones no and de', () => {
    const cfg = parse(readFileSync(repoPath('kind-config.yaml'), 'utf8'));
    assert.equal(cfg.kind, 'Cluster');
    assert.equal(cfg.name, 'meshbench');
    assert.deepEqual(cfg.nodes.map((n: { role: string }) => n.role), ['control-plane', 'worker', 'worker']);
    // "no" must be a string, not YAML 1.1's boolean false.
    assert.deepEqual(cfg.nodes.slice(1).map((n: { labels: Record<string, unknown> }) => n.labels['topology.kubernetes.io/zone']), ['no', 'de']);
  });

  it('Dockerfile: multi-stage, builds the bundle, runs the bundled entries as a non-root user', () => {
    const text = readFileSync(repoPath('Dockerfile'), 'utf8');
    assert.equal((text.match(/^FROM /gm) ?? []).length, 2);
    assert.match(text, /RUN npm run build/);
    assert.match(text, /COPY --from=build \/src\/dist \.\/dist/);
    assert.match(text, /^USER node$/m);
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8'));
    assert.match(pkg.scripts.build, /src\/build\/bundle\.ts/);
    assert.ok(Object.keys(ENTRIES).includes('proxy') && Object.keys(ENTRIES).includes('service'));
  });
});
