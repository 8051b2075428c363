// Opens the comparison page in headless Chromium from a file:// URL and checks it draws: no
// errors or network requests, and each arm's charts carry one line per run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { compareRuns } from '../../src/compare/compare-runs.ts';
import { renderCompareHtml } from '../../src/compare/html.ts';
import { buildRunResult } from '../fixtures/run-result.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install -y chromium)`;
let browser: Browser | undefined;
let dir = '';

before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'meshbench-compare-html-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});

after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the comparison page draws every arm\'s percentile curves and p99 series, one line per run', { skip }, async () => {
  const a = buildRunResult();
  const b = { ...buildRunResult(), id: 'second-run' };
  const results = [a, b];
  const file = join(dir, 'compare.html');
  await writeFile(file, renderCompareHtml(compareRuns(results, { confidence: 0.95, iterations: 200, seed: 1 }), results));
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  const lines = await page.evaluate(() => {
    const w = window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: Array<{ data: unknown[] }> } } | undefined } };
    return [...document.querySelectorAll('canvas')].map((c) => {
      const chart = w.Chart.getChart(c);
      return { id: c.id, datasets: chart?.data.datasets.length ?? 0, points: chart?.data.datasets.every((d) => d.data.length > 1) ?? false };
    });
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(lines.map((l) => l.id), ['curves-0', 'p99-0', 'curves-1', 'p99-1']);
  for (const l of lines) {
    assert.equal(l.datasets, 2, `${l.id}: one line per run`);
    assert.ok(l.points, `${l.id}: every line has points`);
  }
  assert.match(await page.locator('table').first().innerText(), /p99\.9/);
});
