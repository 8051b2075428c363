// Why: the HTML report opens offline, so chart.js and the drawing script are inlined as text.
// chart.js is found through Node's resolver (wherever npm put it), not a hard-coded path.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { environmentError } from '../core/errors.ts';

let cached: { chartJs: string; drawScript: string } | null = null;

/** chart.js's UMD build and the report's drawing script, safe to place inside <script>. */
export function reportAssets(): { chartJs: string; drawScript: string } {
  if (cached) return cached;
  cached = {
    chartJs: inlineSafe(readAsset(chartJsUmdPath(), 'chart.js')),
    drawScript: inlineSafe(readAsset(fileURLToPath(new URL('./browser/draw-report.js', import.meta.url)), 'the report script')),
  };
  return cached;
}

let compareScript: string | null = null;

/** The comparison page's drawing script (src/report/browser/draw-compare.js), safe inside <script>. */
export function compareDrawScript(): string {
  compareScript ??= inlineSafe(readAsset(fileURLToPath(new URL('./browser/draw-compare.js', import.meta.url)), 'the comparison script'));
  return compareScript;
}

function chartJsUmdPath(): string {
  // The package's exports map hides dist/ files, so resolve its entry point and take the sibling.
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('chart.js');
  } catch {
    throw environmentError('report.chartjs-missing', 'chart.js is not installed', 'Run `npm ci` in the meshbench directory.');
  }
  return join(dirname(entry), 'chart.umd.min.js');
}

function readAsset(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw environmentError('report.asset-missing', `cannot read ${what} at ${path}: ${(err as Error).message}`, 'Reinstall meshbench (`npm ci`).');
  }
}

/** Inside <script>, only "</script" ends the element; "<\/" means the same to JavaScript. */
function inlineSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}
