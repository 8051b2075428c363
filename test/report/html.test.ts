import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderHtmlReport } from '../../src/report/html.ts';
import type { ChartData } from '../../src/report/chart-data.ts';
import type { ClusterInfo, RunResult } from '../../src/result/types.ts';
import { buildRunResult, buildScenario } from '../fixtures/run-result.ts';

const HOSTILE = '<script>alert(1)</script>';
const storm = buildRunResult();

function embeddedData(html: string): ChartData {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'data script present');
  return JSON.parse(m[1]!) as ChartData;
}

test('a hostile scenario name and fault name are escaped everywhere', () => {
  const run: RunResult = {
    ...storm,
    scenario: buildScenario({ name: HOSTILE, description: `"quoted" & ${HOSTILE}` }),
    faults: storm.faults.map((f) => ({ ...f, name: `lock ${HOSTILE}` })),
    verdict: `verdict ${HOSTILE}`,
  };
  const html = renderHtmlReport(run);
  assert.ok(!html.includes('alert(1)</script>'), 'raw hostile markup survived');
  assert.ok(html.includes('<title>meshbench · &lt;script&gt;alert(1)&lt;/script&gt;</title>'));
  assert.ok(html.includes('&quot;quoted&quot; &amp; &lt;script&gt;'));
  // The fault name reaches the chart data intact, only encoded.
  assert.equal(embeddedData(html).faultWindows[0]!.name, `lock ${HOSTILE}`);
});

test('chart.js is inlined and nothing is loaded from elsewhere', () => {
  const html = renderHtmlReport(storm);
  const require = createRequire(import.meta.url);
  const umd = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  assert.ok(html.includes(umd.slice(0, 2000)) && html.includes(umd.slice(-2000)), 'chart.js UMD build inlined whole');
  assert.doesNotMatch(html, /<script[^>]*\ssrc\s*=/i);
  assert.doesNotMatch(html, /<link[\s>]/i);
  assert.doesNotMatch(html, /@import|url\(\s*['"]?https?:/i);
  assert.equal(html.match(/<script/g)?.length, 3, 'data, chart.js, drawing script');
});

test('the embedded data parses back to the run: series, shading, HDR curves', () => {
  const data = embeddedData(renderHtmlReport(storm));
  assert.deepEqual(data.arms, ['direct', 'meshed']);
  assert.deepEqual(data.repeats, [0, 1]);
  assert.equal(data.series.length, 4);
  const direct1 = data.series.find((s) => s.arm === 'direct' && s.repeat === 1)!;
  const source = storm.arms[0]!.repeats[1]!;
  assert.deepEqual(direct1.x, source.windows.map((w) => w.t + 0.5));
  assert.deepEqual(direct1.p99, source.windows.map((w) => w.p99));
  assert.deepEqual(direct1.successPct, source.windows.map((w) => (100 * w.ok) / w.scheduled));
  const user = direct1.services.find((s) => s.service === 'user-service')!;
  const userSource = source.services.find((s) => s.service === 'user-service')!;
  assert.deepEqual(user.amplification, userSource.windows.map((w, i) => w.arrivals / source.windows[i]!.sent));
  assert.deepEqual(user.queueDepth, userSource.windows.map((w) => w.queueDepth));
  // Shading uses actual times, merged over both arms of the repeat.
  assert.deepEqual(data.faultWindows, [
    { name: 'db-lock user-service', repeat: 0, startS: 3.001, stopS: 6.003 },
    { name: 'db-lock user-service', repeat: 1, startS: 3.004, stopS: 6.006 },
  ]);
  for (const [i, curve] of data.percentileCurves.entries()) {
    const arm = storm.arms[i]!;
    assert.equal(curve.count, arm.latencyMs.count);
    const p99 = curve.points.find((p) => Math.abs(p.nines - 2) < 1e-9)!;
    assert.equal(p99.ms, arm.latencyMs.p99);
    assert.ok(Math.max(...curve.points.map((p) => p.nines)) <= Math.log10(curve.count));
  }
});

test('a fault that never started is listed but not shaded', () => {
  const run: RunResult = {
    ...storm,
    faults: storm.faults.map((f) => (f.repeat === 1 ? { ...f, actualStartMs: null, actualStopMs: null, error: 'permission denied' } : f)),
  };
  const html = renderHtmlReport(run);
  assert.deepEqual(embeddedData(html).faultWindows.map((w) => w.repeat), [0]);
  assert.match(html, /<td>not applied<\/td><td>simulated DB table lock[^<]*\(error: permission denied\)<\/td>/);
});

test('verdict first, then the summary with its floor; audit and settings present', () => {
  const html = renderHtmlReport(storm);
  const at = (s: string) => html.indexOf(s);
  assert.ok(at('id="verdict"') > 0 && at('id="verdict"') < at('id="summary"'));
  assert.ok(at('id="floor"') > at('id="summary"'));
  assert.match(html, /<p class="pass" data-audit-route="sensitive-norway">0 <code>sensitive-norway<\/code> requests left the compliant zone <code>no-oslo<\/code> \(1600 routed\)\.<\/p>/);
  assert.match(html, /<dt>seed<\/dt><dd>42<\/dd>/);
  assert.ok(!renderHtmlReport({ ...storm, verdict: null }).includes('id="verdict"'));
});

test('a run in a cluster names the cluster version and its nodes in the settings; an embedded run has no such row', () => {
  const cluster: ClusterInfo = { version: 'v1.34.4', nodes: [{ name: 'meshbench-no', zone: 'no', capacity: { cpu: '2', memory: '24683584Ki', pods: '60' } }, { name: 'n2', zone: null, capacity: {} }] };
  const html = renderHtmlReport({ ...storm, environment: { ...storm.environment, backend: 'kubernetes', cluster } });
  assert.match(html, /<dt>cluster<\/dt><dd>Kubernetes v1\.34\.4; meshbench-no \(zone no, 2 CPU, 24683584Ki\), n2 \(zone none, \? CPU, \?\)<\/dd>/);
  assert.ok(!renderHtmlReport(storm).includes('<dt>cluster</dt>'));
});

test('charts without data are left out rather than drawn empty', () => {
  const arms = storm.arms.map((a) => ({ ...a, repeats: a.repeats.map((r) => ({ ...r, services: [] })) }));
  const html = renderHtmlReport({ ...storm, arms });
  assert.ok(html.includes('id="chart-latency"'));
  assert.ok(!html.includes('id="chart-amplification"'));
  assert.ok(!html.includes('id="chart-depth"'));
});
