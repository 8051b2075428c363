// Why: the image's entries and the local children are bundled the same way — one self-contained
// ES module per entry for plain `node`, no transpiler at run time — so they share these options.
import type { BuildOptions } from 'esbuild';

export const NODE_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  // Bundled CommonJS dependencies still call require(); give the ES module one.
  banner: { js: "import { createRequire as __meshbenchRequire } from 'node:module'; const require = __meshbenchRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};
