// The issue's acceptance test: "nothing left behind". `meshbench run` is started as a real CLI
// process with conditions active — CPU steal (a frozen service), 100 % loss (as root, with
// nftables) and a latency toxic; then it is SIGKILLed — it can undo nothing — and `meshbench clean`
// must remove every process, cgroup, nft table and ledger the run left, and nothing of the
// host's. A Ctrl-C (SIGINT) mid-fault must leave nothing even without `clean`, and exit 130.
//
// Concurrency: other runs may be going on on this machine, so every check is scoped to this
// run: its id (from the ledger its process owns), and its processes, which all inherit a marker
// in their environment. `clean --run <id>` is used so another live or half-inspected run is
// never touched; it is the same code path as a plain `clean`, filtered to the run.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { outputName } from '../../src/runtime/child-bundle.ts';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import { ledgerDir, processStartTime, type LedgerFile } from '../../src/runtime/ledger.ts';
import { linkNames, meshbenchCgroupDirs, netnsNames, nftTables, ofRun, REPO } from './fixtures/fault-run.ts';

const caps = await detectCapabilities();
const withNft = caps.root && caps.nft.usable;
const MARK = 'MESHBENCH_E2E_MARK';

const dirs: string[] = [];
const started: ChildProcess[] = [];
after(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function scenarioYaml(toxiproxyUrl: string | null = null): string {
  return `
name: e2e-nothing-left
${toxiproxyUrl ? `toxiproxy: ${toxiproxyUrl}` : ''}
seed: 21
repeats: 1
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      pool: 1024
      calls:
        - service: user-service
          timeout: 300ms
          retries: 0
    - name: user-service
      replicas: 2
      pool: 64
      serviceTime: 5ms
load:
  rate: 100
  arrival: constant
  warmup: 1s
  duration: 30s
mesh:
  port: 0
  adminPort: 0
conditions:
  - kind: cpu-steal
    target: user-service#0
    percent: 80
    period: 100ms
  - kind: latency
    target: frontend->user-service
    latency: 20ms
${
  withNft
    ? `  - kind: loss
    target: frontend->user-service
    percent: 100
`
    : ''
}`;
}

/** Pids of processes whose environment carries this test's marker (the run's whole tree). */
function markedProcesses(mark: string): number[] {
  const needle = `${MARK}=${mark}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (processStartTime(Number(entry)) !== null && readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

function argsOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

function ledgerOwnedBy(pid: number): LedgerFile | null {
  let files: string[];
  try {
    files = readdirSync(ledgerDir()).filter((f) => f.endsWith('.json'));
  } catch {
    return null;
  }
  for (const f of files) {
    try {
      const ledger = JSON.parse(readFileSync(path.join(ledgerDir(), f), 'utf8')) as LedgerFile;
      if (ledger.owner.pid === pid) return ledger;
    } catch {
      // Being rewritten, or someone else's: look again on the next poll.
    }
  }
  return null;
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | null | Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function hostState(): Promise<{ tables: string[] | null; links: string[]; netns: string[] }> {
  const notOurs = (names: string[]) => names.filter((n) => !n.includes('meshbench-'));
  const tables = await nftTables();
  return { tables: tables && notOurs(tables), links: notOurs(await linkNames()), netns: notOurs(await netnsNames()) };
}

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/meshbench.js'), ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  return child;
}

async function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code, signal] = child.exitCode !== null || child.signalCode !== null ? [child.exitCode, child.signalCode] : await once(child, 'exit');
  return { code, signal, stdout, stderr };
}

interface ActiveRun {
  runner: ChildProcess;
  mark: string;
  runId: string;
  /** Every process of the run seen while the faults were active: pid → start time. */
  processes: Map<number, number>;
  cgroups: string[];
  tables: string[];
  exit: ReturnType<typeof finished>;
}

/** Starts `meshbench run` and resolves once every fault is in place. */
async function startRunWithActiveFaults(toxiproxyUrl: string | null = null): Promise<ActiveRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meshbench-e2e-left-'));
  dirs.push(dir);
  const file = path.join(dir, 'scenario.yaml');
  await writeFile(file, scenarioYaml(toxiproxyUrl));
  const mark = randomBytes(6).toString('hex');
  const runner = cli(['run', file, '--quiet', '--out', path.join(dir, 'out')], { ...process.env, [MARK]: mark });
  const exit = finished(runner);
  const runnerPid = runner.pid!;

  const ledger = await until('the run to inject its faults', 30_000, () => {
    if (runner.exitCode !== null) throw new Error(`meshbench run exited early with ${runner.exitCode}`);
    const l = ledgerOwnedBy(runnerPid);
    if (!l) return null;
    const cgroups = l.entries.filter((e) => e.kind === 'cgroup' || e.kind === 'process');
    const tables = l.entries.filter((e) => e.kind === 'nft-table');
    return cgroups.length > 0 && (!withNft || tables.length > 0) ? l : null;
  });
  const runId = ledger.runId;
  const cgroups = ledger.entries.flatMap((e) => (e.kind === 'cgroup' ? [e.path] : []));
  const tables = ledger.entries.flatMap((e) => (e.kind === 'nft-table' ? [e.name] : []));
  // The chaos really is in place: the cgroup holds a service, the table is loaded, the
  // bundled toxiproxy and the arm's processes run.
  // The ledger records each piece before it is created, so wait for it to exist.
  const holdsProcess = (dir: string) => existsSync(path.join(dir, 'cgroup.procs')) && readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim() !== '';
  for (const dir of cgroups) await until(`cgroup ${dir} to hold the frozen service`, 5000, () => (holdsProcess(dir) ? true : null));
  if (withNft) for (const t of tables) await until(`nft table ${t} to be loaded`, 5000, async () => ((await nftTables())!.some((l) => l.includes(t)) ? true : null));
  const processes = await until('the run\'s processes', 10_000, () => {
    const pids = markedProcesses(mark).filter((p) => p !== runnerPid);
    const args = pids.map(argsOf);
    const entries = ['src/services/main.ts', 'src/load/worker.ts', ...(toxiproxyUrl ? [] : ['src/faults/toxiproxy/main.ts'])];
    const all = entries.every((entry) => args.some((a) => a.includes(outputName(entry))));
    return all ? pids : null;
  });
  const seen = new Map<number, number>();
  for (const pid of [runnerPid, ...processes]) {
    const start = processStartTime(pid);
    if (start !== null) seen.set(pid, start);
  }
  return { runner, mark, runId, processes: seen, cgroups, tables, exit };
}

async function assertNothingLeft(run: ActiveRun, before: Awaited<ReturnType<typeof hostState>>): Promise<void> {
  // Orphans exit by themselves once their parent's IPC channel is gone; give them a moment.
  const stillRunning = () => [...run.processes].filter(([pid, start]) => processStartTime(pid) === start).map(([pid]) => pid);
  await until('the run\'s processes to exit', 5000, () => (stillRunning().length === 0 && markedProcesses(run.mark).length === 0 ? true : null)).catch(() => {});
  const left = [...new Set([...stillRunning(), ...markedProcesses(run.mark)])];
  assert.deepEqual(left.map((p) => `${p} ${argsOf(p)}`), [], 'no process of the run is left');
  const tables = await nftTables();
  if (tables) assert.deepEqual(ofRun(tables, run.runId), [], 'no nft table of the run is left');
  for (const dir of run.cgroups) assert.equal(existsSync(dir), false, `cgroup ${dir} is gone`);
  assert.deepEqual(ofRun(meshbenchCgroupDirs(), run.runId), [], 'no cgroup of the run is left');
  assert.deepEqual(ofRun(await netnsNames(), run.runId), [], 'no network namespace of the run is left');
  assert.equal(existsSync(path.join(ledgerDir(), `${run.runId}.json`)), false, 'no ledger of the run is left');
  assert.deepEqual(await hostState(), before, "the host's own nft tables, links and namespaces are unchanged");
}

test('SIGKILL of `meshbench run` mid-fault, then `meshbench clean`: nothing of the run is left', { timeout: 90_000 }, async () => {
  const before = await hostState();
  const run = await startRunWithActiveFaults();
  run.runner.kill('SIGKILL');
  assert.equal((await run.exit).signal, 'SIGKILL');

  // Killed, the run could undo nothing: its injected state is still there for clean to find.
  if (withNft) assert.notDeepEqual(ofRun((await nftTables())!, run.runId), [], 'the partition table outlived the SIGKILL');
  assert.ok(existsSync(path.join(ledgerDir(), `${run.runId}.json`)), 'the ledger outlived the SIGKILL');
  // Every child but the one held in the freezer exits by itself when the runner's IPC channel
  // closes; the frozen one cannot run until `clean` thaws it.
  const frozen = new Set(run.cgroups.flatMap((dir) => readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number)));
  const orphans = () => [...run.processes].filter(([pid, start]) => !frozen.has(pid) && processStartTime(pid) === start).map(([pid]) => pid);
  await until('the unfrozen children to exit with their parent', 10_000, () => (orphans().length === 0 ? true : null)).catch(() => {});
  assert.deepEqual(orphans().map((p) => `${p} ${argsOf(p)}`), [], 'no child outlives the SIGKILLed runner (except the frozen one)');

  const clean = await finished(cli(['clean', '--run', run.runId]));
  assert.equal(clean.code, 0, `meshbench clean failed:\n${clean.stdout}${clean.stderr}`);
  for (const t of run.tables) assert.match(clean.stdout, new RegExp(`removed nft table inet ${t}`));
  for (const dir of run.cgroups) assert.match(clean.stdout, new RegExp(`removed cgroup ${dir}`));
  await assertNothingLeft(run, before);
});

test('Ctrl-C (SIGINT) of `meshbench run` mid-fault exits 130 and leaves nothing, without clean', { timeout: 90_000 }, async () => {
  const before = await hostState();
  const run = await startRunWithActiveFaults();
  run.runner.kill('SIGINT');
  const exit = await run.exit;
  assert.equal(exit.code, 130, `exit ${exit.code} (signal ${exit.signal}):\n${exit.stderr}`);
  await assertNothingLeft(run, before);
});

test('with an external toxiproxy-server, `meshbench clean` removes the link proxies a SIGKILLed run left there', { timeout: 90_000 }, async () => {
  const { startToxiproxyServer } = await import('../../src/faults/toxiproxy/server.ts');
  const server = await startToxiproxyServer({});
  try {
    const before = await hostState();
    const run = await startRunWithActiveFaults(server.url);
    const proxiesOfRun = async () =>
      Object.keys((await (await fetch(`${server.url}/proxies`)).json()) as Record<string, unknown>).filter((n) => n.startsWith(`meshbench-${run.runId}-`));
    assert.notDeepEqual(await proxiesOfRun(), [], 'the run put its link proxies on the external server');
    run.runner.kill('SIGKILL');
    await run.exit;
    assert.notDeepEqual(await proxiesOfRun(), [], 'a SIGKILLed run could not remove them itself');
    const clean = await finished(cli(['clean', '--run', run.runId]));
    assert.equal(clean.code, 0, `meshbench clean failed:\n${clean.stdout}${clean.stderr}`);
    assert.deepEqual(await proxiesOfRun(), [], 'clean removed every link proxy of the run from the external server');
    await assertNothingLeft(run, before);
  } finally {
    await server.close();
  }
});
