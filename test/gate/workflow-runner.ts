// Why: docs/ci-example.yml is only worth copying if it works, so a test runs it as GitHub Actions
// would: its steps in order, `run:` scripts through `bash -eo pipefail` with the workflow's env,
// `if:` conditions evaluated (success(), !cancelled(), hashFiles, github.event_name / ref), a
// failed step failing the job and skipping later steps unless their `if:` says otherwise. The
// actions it uses are played by stand-ins: cache restore/save copy a directory to and from a
// cache folder that outlives the job; checkout, setup-node, the JUnit publisher and artifact
// upload record what they would read. Setup steps that install things are named and skipped.
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

export interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

export interface StepRecord {
  name: string;
  /** ran: executed (or its stand-in did); skipped-if: its condition was false; skipped-setup: a named install step. */
  outcome: 'ran' | 'skipped-if' | 'skipped-setup';
  exitCode: number | null;
  output: string;
}

export interface JobRun {
  success: boolean;
  steps: StepRecord[];
  summary: string;
}

export interface JobContext {
  workspace: string;
  /** Survives between jobs, like the Actions cache. */
  cacheDir: string;
  eventName: 'push' | 'pull_request';
  ref: string;
  /** Values that replace the workflow's `env:` (e.g. a shorter scenario). */
  envOverrides: Record<string, string>;
  /** Steps (by name) that install the environment and are not run here. */
  setupSteps: readonly string[];
}

export async function loadWorkflow(file: string): Promise<{ env: Record<string, string>; steps: WorkflowStep[] }> {
  const doc = parse(await readFile(file, 'utf8')) as { env: Record<string, string>; jobs: Record<string, { steps: WorkflowStep[] }> };
  const jobs = Object.values(doc.jobs);
  if (jobs.length !== 1) throw new Error(`${file}: expected one job, found ${jobs.length}`);
  return { env: doc.env, steps: jobs[0]!.steps };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function substitute(text: string, env: Record<string, string>, ctx: JobContext): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (expr.startsWith('env.')) return env[expr.slice(4)] ?? '';
    if (expr === 'runner.os') return 'Linux';
    if (expr === 'github.run_id') return 'test';
    if (expr === 'github.event_name') return ctx.eventName;
    throw new Error(`unsupported expression in a value: ${expr}`);
  });
}

/** Evaluates a step's `if:` the way Actions does for the functions this workflow uses. */
async function condition(expr: string | undefined, failed: boolean, ctx: JobContext): Promise<boolean> {
  if (expr === undefined) return !failed;
  let e = expr.trim().replace(/^\$\{\{\s*/, '').replace(/\s*\}\}$/, '');
  if (!/\b(success|failure|cancelled|always)\(\)/.test(e)) e = `success() && (${e})`;
  const hashes = new Map<string, boolean>();
  for (const m of e.matchAll(/hashFiles\('([^']+)'\)/g)) hashes.set(m[1]!, await exists(path.join(ctx.workspace, m[1]!)));
  const js = e
    .replace(/hashFiles\('([^']+)'\)/g, (_, p: string) => (hashes.get(p) ? "'hash'" : "''"))
    .replace(/\bsuccess\(\)/g, String(!failed))
    .replace(/\bfailure\(\)/g, String(failed))
    .replace(/\bcancelled\(\)/g, 'false')
    .replace(/\balways\(\)/g, 'true')
    .replace(/\bgithub\.event_name\b/g, JSON.stringify(ctx.eventName))
    .replace(/\bgithub\.ref\b/g, JSON.stringify(ctx.ref));
  if (/[A-Za-z_]+\.[A-Za-z_]+/.test(js.replace(/'[^']*'|"[^"]*"/g, ''))) throw new Error(`unsupported context in if: ${expr}`);
  return Boolean(new Function(`return (${js});`)());
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** Runs the workflow's job once in `ctx.workspace`; the job summary is a fresh temporary file. */
export async function runJob(workflow: { env: Record<string, string>; steps: WorkflowStep[] }, ctx: JobContext): Promise<JobRun> {
  const env: Record<string, string> = { ...workflow.env, ...ctx.envOverrides };
  const summaryFile = path.join(ctx.workspace, '.step-summary.md');
  await writeFile(summaryFile, '');
  // The runner has passwordless sudo; here the test runs as root, so sudo only runs its command.
  const shims = path.join(ctx.workspace, '.shims');
  await mkdir(shims, { recursive: true });
  await writeFile(path.join(shims, 'sudo'), '#!/bin/sh\nexec "$@"\n');
  await chmod(path.join(shims, 'sudo'), 0o755);
  const processEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    PATH: `${shims}:${process.env.PATH ?? ''}`,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: ctx.eventName,
    GITHUB_REF: ctx.ref,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  const steps: StepRecord[] = [];
  let failed = false;
  for (const step of workflow.steps) {
    const name = step.name ?? step.uses ?? '(unnamed)';
    if (!(await condition(step.if, failed, ctx))) {
      steps.push({ name, outcome: 'skipped-if', exitCode: null, output: '' });
      continue;
    }
    if (step.run !== undefined && ctx.setupSteps.includes(name)) {
      steps.push({ name, outcome: 'skipped-setup', exitCode: null, output: '' });
      continue;
    }
    if (step.run !== undefined) {
      const r = await bash(step.run, ctx.workspace, processEnv);
      steps.push({ name, outcome: 'ran', exitCode: r.code, output: r.output });
      if (r.code !== 0) failed = true;
      continue;
    }
    const uses = step.uses ?? '';
    const cachePath = path.join(ctx.workspace, substitute(step.with?.path ?? '', env, ctx));
    let output = '';
    if (uses.startsWith('actions/cache/restore@')) {
      if (await exists(ctx.cacheDir)) {
        await cp(ctx.cacheDir, cachePath, { recursive: true });
        output = 'cache hit';
      } else output = 'cache miss';
    } else if (uses.startsWith('actions/cache/save@')) {
      await rm(ctx.cacheDir, { recursive: true, force: true });
      await cp(cachePath, ctx.cacheDir, { recursive: true });
      output = 'cache saved';
    } else if (uses.startsWith('mikepenz/action-junit-report@')) {
      output = await readFile(path.join(ctx.workspace, substitute(step.with?.report_paths ?? '', env, ctx)), 'utf8');
    } else if (uses.startsWith('actions/upload-artifact@')) {
      output = substitute(step.with?.path ?? '', env, ctx);
    } else if (!uses.startsWith('actions/checkout@') && !uses.startsWith('actions/setup-node@')) {
      throw new Error(`no stand-in for ${uses}`);
    }
    steps.push({ name, outcome: 'ran', exitCode: 0, output });
  }
  return { success: !failed, steps, summary: await readFile(summaryFile, 'utf8') };
}
