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
import { writeReport } from '../../src/report/write-report.ts';
import { buildRunResult, buildScenario } from '../fixtures/run-result.ts';

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

  async function open(sub: string, result = buildRunResult()): Promise<{ page: Page; problems: string[]; dialogs: string[] }> {
    const written = await writeReport(result, join(dir, sub));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
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

  test('draws every chart with both arms, without errors, and shows verdict and table', async () => {
    const { page, problems } = await open('normal');
    const canvases = await armPixels(page);
    assert.deepEqual(
      canvases.map((c) => c.id),
      ['chart-latency', 'chart-success', 'chart-amplification', 'chart-depth', 'chart-percentiles'],
    );
    for (const c of canvases) {
      assert.ok(c.datasets > 0, `${c.id} has no chart`);
      assert.ok(c.direct > 30, `${c.id}: direct line not drawn (${c.direct} px)`);
      assert.ok(c.meshed > 30, `${c.id}: meshed line not drawn (${c.meshed} px)`);
    }
    const verdict = page.locator('#verdict');
    assert.ok(await verdict.isVisible());
    assert.match(await verdict.innerText(), /direct never recovered/);
    assert.ok(await page.locator('#summary').isVisible());
    assert.match(await page.locator('#summary').innerText(), /meshed/);
    assert.match(await page.locator('#floor').innerText(), /^measurement floor: generator send lateness p50 [\d.]+ ms, p99 [\d.]+ ms/);
    await page.screenshot({ path: '/tmp/report.png', fullPage: true });
    assert.deepEqual(problems, []);
  });

  test('switching to repeat 1 redraws the time charts with that repeat', async () => {
    const { page, problems } = await open('repeat');
    const firstPoint = () =>
      page.evaluate(() => {
        const ChartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
        const chart = ChartJs.getChart(document.getElementById('chart-latency') as HTMLCanvasElement);
        return chart.data.datasets[1].data[0].y as number;
      });
    const before = await firstPoint();
    await page.selectOption('#repeat-select', '1');
    const afterSwitch = await firstPoint();
    const direct = buildRunResult().arms[0]!;
    assert.equal(before, direct.repeats[0]!.windows[0]!.p99);
    assert.equal(afterSwitch, direct.repeats[1]!.windows[0]!.p99);
    const canvases = await armPixels(page);
    for (const c of canvases) assert.ok(c.direct > 30 && c.meshed > 30, `${c.id} blank after switching repeat`);
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
