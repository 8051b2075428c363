// Why: the single entry point from a scenario file to the typed Scenario. Everything is
// validated here, every problem is reported at once, and nothing downstream reads YAML again.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isScalar, LineCounter, parseDocument } from 'yaml';
import { badInput } from '../core/errors.ts';
import { GateSyntaxError, parseGate, referencesBaseline } from '../gate/grammar.ts';
import { DEFAULT_GATE_OPTIONS, DEFAULT_KUBERNETES_BACKEND, DEFAULT_RECOVERY, DEFAULT_REPEATS, DEFAULT_SEED } from './defaults.ts';
import { backendConflicts } from './backend-fit.ts';
import { readConditions, readFaults } from './read-faults.ts';
import { readLoad } from './read-load.ts';
import { readMesh, readMeshDeployment } from './read-mesh.ts';
import { readTopology } from './read-topology.ts';
import { ScenarioError } from './scenario-error.ts';
import { MapReader, ReadContext, readEnum, readHttpUrl, readString } from './yaml-reader.ts';
import { ARM_NAMES, type ArmName, type BackendSpec, type KubernetesBackendSpec, type Scenario } from './types.ts';

export { ScenarioError, type ScenarioProblem } from './scenario-error.ts';
export { DEFAULT_MESH } from './defaults.ts';

/** Reads and validates a scenario file; a missing file or any problem is a bad-input error. */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw badInput('E_SCENARIO_MISSING', `scenario file ${file} does not exist`, 'check the path; the shipped scenarios are in scenarios/, e.g. scenarios/baseline.yaml');
    throw badInput('E_SCENARIO_UNREADABLE', `cannot read scenario file ${file}: ${(err as Error).message}`, 'check that the path is a readable file');
  }
  return parseScenario(text, file);
}

/** Parses scenario YAML; throws one ScenarioError listing every problem found. */
export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const ctx = new ReadContext(file, doc, lines);
  if (doc.errors.length > 0) {
    for (const err of doc.errors) ctx.report(err.pos[0], '', `YAML syntax: ${syntaxMessage(err.code, err.message)}`, syntaxHint(err.code));
    throw new ScenarioError(ctx.problems);
  }
  const rootNode = ctx.resolve(doc.contents);
  if (rootNode === undefined) {
    ctx.report(0, '', 'the file is empty', 'start from scenarios/baseline.yaml');
    throw new ScenarioError(ctx.problems);
  }
  const root = new MapReader(ctx, rootNode, '', '', 0);
  if (ctx.problems.length > 0) throw new ScenarioError(ctx.problems);

  const index = readTopology(root);
  const load = readLoad(root);
  const zones = new Set(index.topology.services.flatMap((s) => s.zones ?? []));
  const meshBlock = root.child('mesh');
  const scenario: Scenario = {
    file,
    name: root.string('name', basename(file, extname(file))),
    description: root.string('description', ''),
    seed: root.number('seed', { integer: true, min: 0, max: 0xffff_ffff, hint: 'a whole number 0–4294967295; the same seed replays the same run' }, DEFAULT_SEED),
    repeats: root.number('repeats', { integer: true, min: 1, max: 100, hint: 'how many times each arm runs, e.g. 2' }, DEFAULT_REPEATS),
    backend: readBackend(root),
    topology: index.topology,
    load,
    arms: readArms(root),
    mesh: readMesh(meshBlock, zones),
    meshDeployment: readMeshDeployment(meshBlock),
    conditions: readConditions(root, index),
    faults: readFaults(root, index, ctx.isValid('load.duration') ? load.durationS * 1_000 : Number.POSITIVE_INFINITY),
    gates: readGates(root),
    gateOptions: readGateOptions(root),
    recovery: readRecovery(root),
    toxiproxyUrl: readToxiproxy(root),
  };
  for (const c of backendConflicts(scenario)) {
    if (ctx.isValid(c.path)) ctx.report(ctx.nodeAt(c.keyPath) ?? 0, c.path, c.message, c.hint);
  }
  if (ctx.problems.length > 0) throw new ScenarioError(sortProblems(ctx.problems));
  return scenario;
}

function sortProblems(problems: ScenarioError['problems']): ScenarioError['problems'] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}

function syntaxMessage(code: string, message: string): string {
  return code === 'MULTIPLE_DOCS' ? 'the file holds more than one YAML document' : (message.split('\n')[0] ?? message);
}

function syntaxHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'a key may appear only once in a map; remove or rename the repeated key';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BAD_INDENT':
      return 'keys of one map must line up in the same column';
    case 'MULTIPLE_DOCS':
      return 'a scenario file holds one document; remove the extra "---"';
    default:
      return 'fix the YAML syntax at this position';
  }
}

const KUBERNETES_KEYS = ['kubeconfig', 'context', 'namespace', 'image', 'imagePullPolicy'] as const;
const PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'] as const;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function readBackend(root: MapReader): BackendSpec {
  const kinds = ['embedded', 'kubernetes'] as const;
  const node = root.node('backend');
  if (node === undefined) return { kind: 'embedded' };
  if (isScalar(node)) {
    // `backend: kubernetes` is shorthand for `backend: {kind: kubernetes}`.
    const kind = readEnum(root.ctx, node, 'backend', kinds);
    return kind === 'kubernetes' ? kubernetesBackend({}) : { kind: 'embedded' };
  }
  const b = root.child('backend');
  const kind = b.oneOf('kind', kinds, 'embedded');
  const optional = (key: string): string | null => (b.has(key) ? b.string(key, '') : null);
  if (kind === 'embedded') {
    for (const key of KUBERNETES_KEYS) {
      const keyNode = b.node(key);
      if (keyNode !== undefined) root.ctx.report(keyNode, b.pathOf(key), 'applies only to backend kind kubernetes', 'set kind: kubernetes or remove this key');
    }
    return { kind };
  }
  const namespace = optional('namespace');
  if (namespace !== null && namespace !== '' && !NAMESPACE.test(namespace)) {
    root.ctx.report(b.node('namespace')!, b.pathOf('namespace'), `"${namespace}" is not a Kubernetes namespace name`, 'use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit');
  }
  const image = b.string('image', DEFAULT_KUBERNETES_BACKEND.image, 'an image reference such as meshbench:dev or registry.example/meshbench:0.1.0');
  if (/\s/.test(image)) root.ctx.report(b.node('image')!, b.pathOf('image'), `"${image}" is not an image reference`, 'write it without spaces, e.g. meshbench:dev');
  return kubernetesBackend({
    kubeconfig: optional('kubeconfig'),
    context: optional('context'),
    namespace,
    image,
    imagePullPolicy: b.oneOf('imagePullPolicy', PULL_POLICIES, DEFAULT_KUBERNETES_BACKEND.imagePullPolicy),
  });
}

/** A kubernetes backend with defaults for everything not given (also used by `run --backend`). */
export function kubernetesBackend(given: Partial<Omit<KubernetesBackendSpec, 'kind'>>): KubernetesBackendSpec {
  return { kind: 'kubernetes', kubeconfig: null, context: null, namespace: null, ...DEFAULT_KUBERNETES_BACKEND, ...given };
}

function readArms(root: MapReader): ArmName[] {
  const node = root.node('arms');
  if (node === undefined) return [...ARM_NAMES];
  const items = root.list('arms');
  if (items.length === 0) root.ctx.report(node, 'arms', 'is an empty list', `run at least one arm: ${ARM_NAMES.join(', ')}`);
  const arms: ArmName[] = [];
  for (const item of items) {
    const arm = readEnum(root.ctx, item.node, item.path, ARM_NAMES);
    if (arm !== undefined && arms.includes(arm)) root.ctx.report(item.node, item.path, `${arm} is listed twice`, 'list each arm once; use repeats to run it more often');
    else if (arm !== undefined) arms.push(arm);
  }
  return arms;
}

function readGates(root: MapReader): string[] {
  return root.list('gates').map((item) => {
    const text = readString(root.ctx, item.node, item.path, 'a gate such as "meshed.p99 < 25ms"') ?? '';
    if (text) {
      // Gates are parsed here too, so a typo fails `validate`, not the end of a long run.
      try {
        if (referencesBaseline(parseGate(text))) {
          root.ctx.report(item.node, item.path, `"${text}" compares with a baseline, which a scenario run does not have`, 'put baseline gates on the command line: meshbench gate result.json --baseline <file|name> --gate "…"');
        }
      } catch (err) {
        if (!(err instanceof GateSyntaxError)) throw err;
        root.ctx.report(item.node, item.path, err.message.split('\n')[0]!, err.hint);
      }
    }
    return text;
  });
}

function readGateOptions(root: MapReader) {
  const g = root.child('gateOptions');
  return {
    inconclusive: g.oneOf('inconclusive', ['pass', 'fail'] as const, DEFAULT_GATE_OPTIONS.inconclusive),
    confidence: g.number('confidence', { above: 0, max: 0.999, hint: 'the confidence level of gate intervals, e.g. 0.95' }, DEFAULT_GATE_OPTIONS.confidence),
  };
}

function readRecovery(root: MapReader) {
  const r = root.child('recovery');
  return {
    p99Factor: r.number('p99Factor', { min: 1, hint: 'how close to the pre-fault p99 counts as recovered, e.g. 1.5' }, DEFAULT_RECOVERY.p99Factor),
    minSuccessRate: r.number('minSuccessRate', { above: 0, max: 1, hint: 'a fraction 0–1, e.g. 0.99' }, DEFAULT_RECOVERY.minSuccessRate),
    stableMs: r.duration('stable', { above: 0, hint: 'how long the service must stay recovered, e.g. 2s' }, DEFAULT_RECOVERY.stableMs),
  };
}

function readToxiproxy(root: MapReader): string | null {
  const node = root.node('toxiproxy');
  return node === undefined ? null : (readHttpUrl(root.ctx, node, 'toxiproxy') ?? null);
}
