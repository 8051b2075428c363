// Why: pods must not carry a TypeScript transpiler: each process entry is bundled once by
// esbuild into a self-contained ES module in dist/, which the meshbench image runs with plain
// `node`. The list of entries is the image's interface. (Local children are bundled on first use
// by src/runtime/child-bundle.ts, with the same options.)
import { build } from 'esbuild';
import { repoPath } from '../runtime/child.ts';
import { NODE_BUNDLE_OPTIONS } from './esbuild-options.ts';

/** Image entry name → source file (relative to the repository root). */
export const ENTRIES: Record<string, string> = {
  proxy: 'proxy/main.ts',
  service: 'src/services/main.ts',
  // In a pod the load generator streams its events over HTTP (the local worker speaks IPC).
  'load-pod': 'src/load/pod-main.ts',
  toxiproxy: 'src/faults/toxiproxy/main.ts',
  'chaos-agent': 'src/agent/main.ts',
};

/** Bundles every entry into `outDir` as `<name>.mjs`; returns the output paths. */
export async function bundleEntries(outDir = repoPath('dist')): Promise<string[]> {
  const entryPoints = Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, repoPath(src)]));
  const result = await build({ ...NODE_BUNDLE_OPTIONS, entryPoints, outdir: outDir, sourcemap: false, minify: false });
  return Object.keys(result.metafile!.outputs).filter((f) => f.endsWith('.mjs'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outputs = await bundleEntries();
  for (const o of outputs) process.stdout.write(`${o}\n`);
}
