// Opens the capacity report in headless Chromium from a file:// URL, as a user would offline, and
// checks it draws: no errors, no network, each arm's latency chart with its SLO line and knees,
// the USL chart with both arms, and the plan visible.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { modelCapacity } from '../../src/capacity/model.ts';
import { writeCapacityReport } from '../../src/capacity/report/write.ts';
import { syntheticSweep } from './fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install -y chromium)`;

describe('capacity report in Chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshbench-capacity-report-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('draws latency against throughput per arm with the SLO and knees, the USL chart, and the plan', async () => {
    const result = modelCapacity(syntheticSweep([{ name: 'direct', capacity: (n) => 800 * n }, { name: 'meshed', capacity: (n) => 760 * n }]), {
      targetRps: 20_000,
      headroom: 0.3,
      node: { cores: 4, memoryMiB: 16_384, maxPods: 110 },
      proxyModel: 'daemonset',
    });
    const written = await writeCapacityReport(result, dir);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(written.html).href);
    const charts = await page.evaluate(() => {
      const ChartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
      return [...document.querySelectorAll('canvas')].map((canvas) => {
        const chart = ChartJs.getChart(canvas);
        const labels: string[] = chart ? chart.data.datasets.map((d: { label: string }) => d.label) : [];
        // Red pixels of the dashed SLO line inside the plot area.
        const a = chart.chartArea;
        const ratio = canvas.width / canvas.clientWidth;
        const img = canvas.getContext('2d')!.getImageData(a.left * ratio, a.top * ratio, (a.right - a.left) * ratio, (a.bottom - a.top) * ratio).data;
        let red = 0;
        for (let i = 0; i < img.length; i += 4) if (img[i]! > 180 && img[i + 1]! < 70 && img[i + 2]! < 70 && img[i + 3]! > 200) red++;
        return { id: canvas.id, labels, red };
      });
    });
    assert.deepEqual(charts.map((c) => c.id), ['chart-latency-direct', 'chart-latency-meshed', 'chart-usl']);
    for (const c of charts.slice(0, 2)) {
      assert.deepEqual(c.labels.filter((l) => l.startsWith('knee')), ['knee, 1 replica (784 rps)', 'knee, 2 replicas (1568 rps)', 'knee, 3 replicas (2352 rps)'].map((l) => (c.id.endsWith('meshed') ? l.replace('784', '745').replace('1568', '1490').replace('2352', '2234') : l)));
      assert.ok(c.labels.includes('SLO: p99 50 ms'));
      assert.ok(c.red > 50, `${c.id}: SLO line not drawn (${c.red} px)`);
    }
    assert.deepEqual(charts[2]!.labels.filter((l) => l.endsWith('USL fit')), ['direct USL fit', 'meshed USL fit']);
    assert.match(await page.locator('#answer').innerText(), /^To serve 20000 rps/);
    assert.match(await page.locator('#plan').innerText(), /meshed/);
    await page.screenshot({ path: join(dir, 'capacity.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
