// Opens the written report in headless Chromium from a file:// URL, as a user would offline, and
// checks it draws: no errors, every canvas carries both arms' lines, verdict and table visible.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { gateOutcomes, gateRunResult } from '../../src/gate/evaluate.ts';
import { writeReport } from '../../src/report/write-report.ts';
import type { RunResult } from '../../src/result/types.ts';
import { buildRunResult, buildScenario } from '../fixtures/run-result.ts';

/** The retry-storm fixture as `meshbench run` writes it: gates judged and stored. */
function judged(result: RunResult = buildRunResult()): RunResult {
  return { ...result, gates: gateOutcomes(gateRunResult(result)) };
}

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install -y chromium)`;

describe('HTML report in Chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshbench-report-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(sub: string, result = judged()): Promise<{ page: Page; problems: string[]; dialogs: string[] }> {
    const written = await writeReport(result, join(dir, sub));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      // Chromium's advice about this test's own pixel reads is not a problem of the page.
      if (m.text().includes('willReadFrequently')) return;
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(written.html).href);
    return { page, problems, dialogs };
  }

  /** Pixels of each arm's colour inside each chart's plot area (legend excluded). */
  function armPixels(page: Page): Promise<Array<{ id: string; datasets: number; direct: number; meshed: number }>> {
    return page.evaluate(() => {
      const colours = { direct: [232, 89, 12], meshed: [28, 126, 214] } as const;
      const ChartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
      return [...document.querySelectorAll('canvas')].map((canvas) => {
        const chart = ChartJs.getChart(canvas);
        const out = { id: canvas.id, datasets: chart ? chart.data.datasets.length : 0, direct: 0, meshed: 0 };
        if (!chart) return out;
        const ratio = canvas.width / canvas.clientWidth;
        const a = chart.chartArea;
        const ctx = canvas.getContext('2d')!;
        const img = ctx.getImageData(a.left * ratio, a.top * ratio, (a.right - a.left) * ratio, (a.bottom - a.top) * ratio).data;
        for (let i = 0; i < img.length; i += 4) {
          for (const arm of ['direct', 'meshed'] as const) {
            const c = colours[arm];
            if (img[i + 3]! > 200 && Math.abs(img[i]! - c[0]) < 24 && Math.abs(img[i + 1]! - c[1]) < 24 && Math.abs(img[i + 2]! - c[2]) < 24) out[arm]++;
          }
        }
        return out;
      });
    });
  }

  /** Coloured (non-grey) pixels inside each chart's plot area: anything drawn at all. */
  function inkPixels(page: Page, id: string): Promise<number> {
    return page.evaluate((canvasId) => {
      const ChartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
      const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
      const chart = ChartJs.getChart(canvas);
      const ratio = canvas.width / canvas.clientWidth;
      const a = chart.chartArea;
      const img = canvas.getContext('2d')!.getImageData(a.left * ratio, a.top * ratio, (a.right - a.left) * ratio, (a.bottom - a.top) * ratio).data;
      let n = 0;
      for (let i = 0; i < img.length; i += 4) {
        const [r, g, b, alpha] = [img[i]!, img[i + 1]!, img[i + 2]!, img[i + 3]!];
        if (alpha > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
      }
      return n;
    }, id);
  }

  test('draws every chart, arms in their colours, without errors; gates, validity and verdict on top', async () => {
    const { page, problems } = await open('normal');
    const canvases = await armPixels(page);
    assert.deepEqual(
      canvases.map((c) => c.id),
      ['chart-latency', 'chart-success', 'chart-failures', 'chart-amplification', 'chart-goodput', 'chart-depth-direct', 'chart-depth-meshed', 'chart-percentiles'],
    );
    for (const c of canvases) assert.ok(c.datasets > 0, `${c.id} has no chart`);
    for (const c of canvases.filter((x) => !/failures|depth/.test(x.id))) {
      assert.ok(c.direct > 30, `${c.id}: direct line not drawn (${c.direct} px)`);
      assert.ok(c.meshed > 30, `${c.id}: meshed line not drawn (${c.meshed} px)`);
    }
    // Failure reasons and services have colours of their own (not the arms'): they must still be drawn.
    for (const id of ['chart-failures', 'chart-depth-direct', 'chart-depth-meshed']) assert.ok((await inkPixels(page, id)) > 100, `${id} is blank`);
    for (const id of ['#gates', '#validity', '#verdict', '#summary', '#proxy']) assert.ok(await page.locator(id).isVisible(), `${id} not visible`);
    assert.match(await page.locator('#verdict').innerText(), /direct: p99 [\d.]+ ms before, no request succeeded during it/);
    assert.match(await page.locator('#gates').innerText(), /Gates: 1 passed, 1 failed/);
    assert.match(await page.locator('#floor').innerText(), /^measurement floor: generator send lateness p50 [\d.]+ ms, p99 [\d.]+ ms/);
    await page.screenshot({ path: process.env.MESHBENCH_SCREENSHOT ?? join(dir, 'report.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });

  test('a success line at 100 % stays visible above the frame, and nothing runs past the right edge', async () => {
    const { page, problems } = await open('frame');
    const topRow = await page.evaluate(() => {
      const ChartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
      const canvas = document.getElementById('chart-success') as HTMLCanvasElement;
      const chart = ChartJs.getChart(canvas);
      const ratio = canvas.width / canvas.clientWidth;
      const y = chart.scales.y.getPixelForValue(100);
      const a = chart.chartArea;
      const img = canvas.getContext('2d')!.getImageData(a.left * ratio, (y - 2) * ratio, (a.right - a.left) * ratio, 4 * ratio).data;
      let meshed = 0;
      for (let i = 0; i < img.length; i += 4) if (Math.abs(img[i]! - 28) < 30 && Math.abs(img[i + 1]! - 126) < 30 && Math.abs(img[i + 2]! - 214) < 30) meshed++;
      return { meshed, gapPx: y - a.top };
    });
    assert.ok(topRow.gapPx >= 3, `100 % sits ${topRow.gapPx} px below the top of the plot`);
    assert.ok(topRow.meshed > 50, `the meshed line at 100 % is drawn (${topRow.meshed} px)`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'the page does not scroll sideways');
    assert.deepEqual(problems, []);
  });

  test('switching to the second repeat redraws the time charts with that repeat', async () => {
    const { page, problems } = await open('repeat');
    const firstPoint = () =>
      page.evaluate(() => {
        const ChartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
        const chart = ChartJs.getChart(document.getElementById('chart-latency') as HTMLCanvasElement);
        return chart.data.datasets[1].data[0].y as number | null;
      });
    const before = await firstPoint();
    await page.selectOption('#repeat-select', { value: '1' });
    const afterSwitch = await firstPoint();
    const direct = judged().arms[0]!;
    assert.equal(before, direct.repeats[0]!.windows[0]!.p99);
    assert.equal(afterSwitch, direct.repeats[1]!.windows[0]!.p99);
    const canvases = await armPixels(page);
    for (const c of canvases.filter((x) => !/failures|depth/.test(x.id))) assert.ok(c.direct > 30 && c.meshed > 30, `${c.id} blank after switching repeat`);
    assert.deepEqual(problems, []);
  });

  test('a hostile scenario name is shown as text and runs nothing', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const { page, problems, dialogs } = await open('hostile', buildRunResult({ scenario: buildScenario({ name: hostile }) }));
    assert.equal(await page.locator('h1').innerText(), `meshbench · ${hostile}`);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(problems, []);
  });
});
