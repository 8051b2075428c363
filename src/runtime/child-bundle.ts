// Why: a child started through tsx spends its first half second and tens of MB transpiling
// TypeScript on the CPUs that are measuring latency. Local children (services, proxy, load
// worker, Toxiproxy, CPU hogs) run from JavaScript bundled by esbuild instead: built on first use
// and reused until one of the files the build read changes (size or mtime), so a fresh checkout,
// an edit in progress and a long benchmark all run what the source says, with no build step to
// forget.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync, version as esbuildVersion, type BuildOptions } from 'esbuild';
import { NODE_BUNDLE_OPTIONS } from '../build/esbuild-options.ts';

export interface BundleSpec {
  /** Directory the entries' paths are relative to. */
  repoRoot: string;
  /** Entry files relative to repoRoot. */
  entries: readonly string[];
  /** Where builds are kept (one subdirectory per build, plus current.json). */
  cacheRoot: string;
}

interface Manifest {
  key: string;
  dir: string;
  /** Every file the build read: absolute path → [size, mtimeMs]. */
  inputs: Record<string, [number, number]>;
}

// Splitting keeps what an entry imports lazily (the proxy's Kubernetes client) out of its
// start-up; linked source maps keep stack traces pointing at the TypeScript.
const CHILD_BUILD_OPTIONS: BuildOptions = { ...NODE_BUNDLE_OPTIONS, splitting: true, sourcemap: 'linked', minify: false };

/** How many earlier builds to keep: a process that read the manifest just before a rebuild may
 * still be about to start a child from the previous one. */
const KEEP_BUILDS = 3;

/** Output file of an entry inside a build directory: src/services/main.ts → src__services__main.mjs. */
export function outputName(entry: string): string {
  return `${entry.replace(/\.ts$/, '').replace(/[/\\]/g, '__')}.mjs`;
}

/** Path of each entry's bundle, building (or rebuilding) it first when a source changed. */
export function ensureBundle(spec: BundleSpec): Map<string, string> {
  const key = buildKey(spec);
  const manifestPath = path.join(spec.cacheRoot, 'current.json');
  const current = readManifest(manifestPath);
  const manifest = current && current.key === key && isFresh(current, spec) ? current : rebuild(spec, key, manifestPath);
  return new Map(spec.entries.map((e) => [e, path.join(manifest.dir, outputName(e))]));
}

/** What besides the inputs decides the output: the entries, esbuild's version and its options. */
function buildKey(spec: BundleSpec): string {
  return createHash('sha256').update(JSON.stringify([spec.entries, esbuildVersion, CHILD_BUILD_OPTIONS])).digest('hex').slice(0, 16);
}

function readManifest(file: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

function isFresh(manifest: Manifest, spec: BundleSpec): boolean {
  if (!spec.entries.every((e) => existsSync(path.join(manifest.dir, outputName(e))))) return false;
  for (const [file, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    try {
      const st = statSync(file);
      if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function rebuild(spec: BundleSpec, key: string, manifestPath: string): Manifest {
  mkdirSync(spec.cacheRoot, { recursive: true });
  const dir = path.join(spec.cacheRoot, `build-${Date.now()}-${randomBytes(4).toString('hex')}`);
  const entryPoints = Object.fromEntries(spec.entries.map((e) => [outputName(e).replace(/\.mjs$/, ''), path.join(spec.repoRoot, e)]));
  const result = buildSync({ ...CHILD_BUILD_OPTIONS, absWorkingDir: spec.repoRoot, entryPoints, outdir: dir });
  const inputs: Manifest['inputs'] = {};
  for (const input of Object.keys(result.metafile!.inputs)) {
    const file = path.resolve(spec.repoRoot, input);
    const st = statSync(file);
    inputs[file] = [st.size, st.mtimeMs];
  }
  const manifest: Manifest = { key, dir, inputs };
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, manifestPath);
  pruneOldBuilds(spec.cacheRoot, dir);
  return manifest;
}

function pruneOldBuilds(root: string, keep: string): void {
  const builds = readdirSync(root)
    .filter((d) => d.startsWith('build-'))
    .map((d) => path.join(root, d))
    .filter((d) => d !== keep)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of builds.slice(KEEP_BUILDS - 1)) rmSync(old, { recursive: true, force: true });
}
