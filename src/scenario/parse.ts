// Why: the single entry point from a scenario file to the typed Scenario. Everything is
// validated here, every problem is reported at once, and nothing downstream reads YAML again.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { badInput } from '../core/errors.ts';
import { GateSyntaxError, parseGate, referencesBaseline } from '../gate/grammar.ts';
import { DEFAULT_GATE_OPTIONS, DEFAULT_KUBERNETES_BACKEND, DEFAULT_RECOVERY, DEFAULT_REPEATS, DEFAULT_SEED } from './defaults.ts';
import { backendConflicts } from './backend-fit.ts';
import { readConditions, readFaults } from './read-faults.ts';
import { readLoad } from './read-load.ts';
import { readMesh, readMeshDeployment, readResourceAmounts } from './read-mesh.ts';
import { readTopology } from './read-topology.ts';
import { reportFaultOverlaps } from './fault-overlaps.ts';
import { checkLimits, currentMachine, MAX_P99_FACTOR, type MachineFacts } from './limits.ts';
import { ScenarioError, type ScenarioProblem } from './scenario-error.ts';
import { keyPathAt, overIndentedKey, tooDeep, unclosedQuote } from './yaml-syntax.ts';
import { MapReader, ReadContext, readEnum, readHttpUrl, readString } from './yaml-reader.ts';
import { ARM_NAMES, type ArmName, type BackendSpec, type KubernetesBackendSpec, type PodRequests, type Scenario } from './types.ts';

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
  // NUL bytes, or bytes that are not UTF-8 (read as U+FFFD), mean a binary file.
  const binary = text.includes('\u0000') || text.includes('\ufffd');
  if (text.length > MAX_SCENARIO_CHARS || binary) {
    const what = binary ? 'holds bytes that are not UTF-8 text: it is not a text file' : `is ${(text.length / 2 ** 20).toFixed(1)} MB long; a scenario is a few KB`;
    throw badInput('E_SCENARIO_NOT_YAML', `${file} ${what}`, 'pass a scenario YAML file, e.g. scenarios/baseline.yaml');
  }
  return parseScenario(text, file);
}

/** Scenarios are a few KB; a file of a megabyte is a log or an image passed by mistake. */
const MAX_SCENARIO_CHARS = 1024 * 1024;
/** The most problems listed at once; past that the rest are counted. */
const MAX_PROBLEMS = 50;
/** Past this many syntax errors the file is not YAML gone wrong but not YAML: say so, briefly. */
const MAX_SYNTAX_ERRORS = 10;

/** Parses scenario YAML; throws one ScenarioError listing every problem found. */
export function parseScenario(text: string, file: string, machine: MachineFacts = currentMachine()): Scenario {
  const lines = new LineCounter();
  const fail = (ctx: ReadContext): never => {
    throw new ScenarioError(capProblems(sortProblems(ctx.problems), file));
  };
  const deep = tooDeep(text);
  if (deep !== null) {
    const ctx = new ReadContext(file, parseDocument(''), lines);
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1 && i < deep.offset; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    ctx.report(deep.offset, keyPathAt(text, deep.offset), `YAML syntax: ${deep.message}`, deep.hint);
    fail(ctx);
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  const ctx = new ReadContext(file, doc, lines);
  if (doc.errors.length > 0) {
    // A tab in the indentation confuses the parser about every line after it: report only that.
    const tabs = doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
    const errors = tabs.length > 0 ? tabs : doc.errors;
    for (const err of errors.slice(0, MAX_SYNTAX_ERRORS)) reportSyntaxError(ctx, text, err.code, err.message, err.pos[0]);
    if (errors.length > MAX_SYNTAX_ERRORS) {
      ctx.report(errors[MAX_SYNTAX_ERRORS]!.pos[0], '', `… and ${errors.length - MAX_SYNTAX_ERRORS} more YAML syntax errors`, 'is this file a YAML scenario?');
    }
    fail(ctx);
  }
  const rootNode = ctx.resolve(doc.contents);
  if (rootNode === undefined) {
    ctx.report(0, '', 'the file is empty', 'start from scenarios/baseline.yaml');
    fail(ctx);
  }
  const root = new MapReader(ctx, rootNode, '', '', 0);
  // Unknown keys do not stop the reading: every other problem is still found.
  if (!isMap(rootNode)) fail(ctx);

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
    if (ctx.isValid(c.path)) ctx.report(ctx.nodeAtKeys(c.keyPath) ?? 0, c.path, c.message, c.hint);
  }
  reportFaultOverlaps(ctx, root, scenario.faults);
  for (const p of checkLimits(scenario, machine, (path) => ctx.isValid(path))) ctx.report(ctx.nodeAt(p.path), p.path, p.message, p.hint);
  if (ctx.problems.length > 0) fail(ctx);
  return scenario;
}

function capProblems(problems: ScenarioError['problems'], file: string): ScenarioError['problems'] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const last = problems[MAX_PROBLEMS - 1]!;
  const more = { file, line: last.line, column: last.column, path: '', message: `… and ${problems.length - MAX_PROBLEMS} more problems`, hint: 'fix these first; is this file a scenario?' };
  return [...problems.slice(0, MAX_PROBLEMS), more];
}

/** A parser error where a person has to edit, in words about the scenario, with the field when known. */
function reportSyntaxError(ctx: ReadContext, text: string, code: string, message: string, offset: number): void {
  const quote = code === 'MISSING_CHAR' && message.includes('quote') ? unclosedQuote(text) : null;
  const indent = code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY' ? overIndentedKey(text, offset) : null;
  const found = quote ?? indent;
  if (found !== null) {
    if (ctx.problems.some((p) => p.message === `YAML syntax: ${found.message}`)) return;
    ctx.report(found.offset, found.path ?? keyPathAt(text, found.offset), `YAML syntax: ${found.message}`, found.hint);
    return;
  }
  ctx.report(offset, keyPathAt(text, offset), `YAML syntax: ${syntaxMessage(code, message)}`, syntaxHint(code));
}

function sortProblems(problems: readonly ScenarioProblem[]): ScenarioError['problems'] {
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

const KUBERNETES_KEYS = ['kubeconfig', 'context', 'namespace', 'image', 'imagePullPolicy', 'requests'] as const;
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
    requests: readPodRequests(b.child('requests')),
  });
}

function readPodRequests(r: MapReader): PodRequests {
  const d = DEFAULT_KUBERNETES_BACKEND.requests;
  return {
    services: readResourceAmounts(r.child('services'), d.services),
    load: readResourceAmounts(r.child('load'), d.load),
    toxiproxy: readResourceAmounts(r.child('toxiproxy'), d.toxiproxy),
  };
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
    p99Factor: r.number('p99Factor', { min: 1, max: MAX_P99_FACTOR, maxWhy: 'a p99 a thousand times the pre-fault one is not recovered', hint: 'how close to the pre-fault p99 counts as recovered, e.g. 1.5' }, DEFAULT_RECOVERY.p99Factor),
    minSuccessRate: r.number('minSuccessRate', { above: 0, max: 1, hint: 'a fraction 0–1, e.g. 0.99' }, DEFAULT_RECOVERY.minSuccessRate),
    stableMs: r.duration('stable', { above: 0, hint: 'how long the service must stay recovered, e.g. 2s' }, DEFAULT_RECOVERY.stableMs),
  };
}

function readToxiproxy(root: MapReader): string | null {
  const node = root.node('toxiproxy');
  return node === undefined ? null : (readHttpUrl(root.ctx, node, 'toxiproxy') ?? null);
}
