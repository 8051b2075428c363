import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gateOutcomes, gateRunResult } from '../../src/gate/evaluate.ts';
import { renderHtmlReport } from '../../src/report/html.ts';
import type { ChartData } from '../../src/report/chart-data.ts';
import type { ClusterInfo, RunResult } from '../../src/result/types.ts';
import type { ConditionSpec } from '../../src/scenario/types.ts';
import { buildRunResult, buildScenario } from '../fixtures/run-result.ts';

const HOSTILE = '<script>alert(1)</script>';
const measured = buildRunResult();
const storm: RunResult = { ...measured, gates: gateOutcomes(gateRunResult(measured)) };

function embeddedData(html: string): ChartData {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'data script present');
  return JSON.parse(m[1]!) as ChartData;
}

test('a hostile scenario name, fault name and verdict are escaped everywhere', () => {
  const run: RunResult = {
    ...storm,
    scenario: buildScenario({ name: HOSTILE, description: `"quoted" & ${HOSTILE}` }),
    faults: storm.faults.map((f) => ({ ...f, name: `lock ${HOSTILE}` })),
    verdict: [`verdict ${HOSTILE}`],
  };
  const html = renderHtmlReport(run);
  assert.ok(!html.includes('alert(1)</script>'), 'raw hostile markup survived');
  assert.ok(html.includes('<title>meshbench · &lt;script&gt;alert(1)&lt;/script&gt;</title>'));
  assert.ok(html.includes('&quot;quoted&quot; &amp; &lt;script&gt;'));
  // The fault name reaches the chart data intact, only encoded.
  assert.equal(embeddedData(html).incidents[0]!.name, `lock ${HOSTILE}`);
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

test('the embedded data parses back to the run: successful-request latency, failures, edges, incident lanes, curves', () => {
  const data = embeddedData(renderHtmlReport(storm));
  assert.deepEqual(data.arms, ['direct', 'meshed']);
  assert.deepEqual(data.repeats, [0, 1]);
  assert.equal(data.series.length, 4);
  const direct1 = data.series.find((s) => s.arm === 'direct' && s.repeat === 1)!;
  const source = storm.arms[0]!.repeats[1]!;
  assert.deepEqual(direct1.x, source.windows.map((w) => w.t + 0.5));
  assert.deepEqual(direct1.p99, source.windows.map((w) => w.p99));
  assert.ok(direct1.p99.slice(3, 6).every((v) => v === null), 'no success during the lock: no latency, not 0 ms');
  assert.deepEqual(direct1.p99All, source.windows.map((w) => w.p99All));
  assert.deepEqual(direct1.successPct, source.windows.map((w) => (100 * w.ok) / w.scheduled));
  assert.deepEqual(direct1.goodput, source.windows.map((w) => w.ok));
  assert.deepEqual(direct1.failurePct['client-timeout'], source.windows.map((w) => (100 * (w.failures['client-timeout'] ?? 0)) / w.scheduled));
  const edge = source.edges[0]!;
  assert.deepEqual(direct1.edges[0]!.amplification, edge.windows.map((w) => w.attempts / w.attempted));
  assert.deepEqual(data.reasons.slice(0, 2), ['client-timeout', 'proxy:deadline-exceeded'], 'most frequent first');
  const user = direct1.services.find((s) => s.service === 'user-service')!;
  assert.deepEqual(user.queueDepth, source.services.find((s) => s.service === 'user-service')!.windows.map((w) => w.queueDepth));
  // Bands use actual times, merged over both arms of the repeat, each with its label lane.
  assert.deepEqual(data.incidents, [
    { name: 'db-lock user-service', repeat: 0, startS: 3.001, stopS: 6.003, lane: 0 },
    { name: 'db-lock user-service', repeat: 1, startS: 3.004, stopS: 6.006, lane: 0 },
  ]);
  for (const [i, curve] of data.percentileCurves.entries()) {
    const arm = storm.arms[i]!;
    assert.equal(curve.count, arm.latencyMs.count);
    const p99 = curve.points.find((p) => Math.abs(p.nines - 2) < 1e-9)!;
    assert.equal(p99.ms, arm.latencyMs.p99);
  }
});

test('incidents that start together get separate label lanes; conditions are one labelled band', () => {
  const two = [...storm.faults, ...storm.faults.map((f) => ({ ...f, name: 'kill user-service#0', kind: 'kill' as const }))];
  const conditions: ConditionSpec[] = [{ name: 'wan', kind: 'latency', target: { kind: 'link', from: 'frontend', to: 'user-service' }, attributes: { latency: 35, jitter: 10 }, toxicity: 1, stream: 'downstream' }];
  const data = embeddedData(renderHtmlReport({ ...storm, faults: two, scenario: { ...storm.scenario, conditions } }));
  const repeat0 = data.incidents.filter((b) => b.repeat === 0);
  assert.deepEqual(repeat0.map((b) => b.lane).sort(), [0, 1]);
  assert.deepEqual(data.conditions, [{ name: 'wan', description: 'latency 35 ms ± 10 ms on frontend → user-service' }]);
});

test('a fault that never started is listed but not drawn', () => {
  const run: RunResult = {
    ...storm,
    faults: storm.faults.map((f) => (f.repeat === 1 ? { ...f, actualStartMs: null, actualStopMs: null, error: 'permission denied' } : f)),
  };
  const html = renderHtmlReport(run);
  assert.deepEqual(embeddedData(html).incidents.map((w) => w.repeat), [0]);
  assert.match(html, /<td>not applied<\/td><td>simulated DB table lock[^<]*\(error: permission denied\)<\/td>/);
});

test('gates first, then validity and the verdict, then the summary with its floor', () => {
  const html = renderHtmlReport(storm);
  const at = (s: string) => html.indexOf(s);
  assert.ok(at('id="gates"') > 0 && at('id="gates"') < at('id="validity"'));
  assert.ok(at('id="validity"') < at('id="verdict"') && at('id="verdict"') < at('id="summary"'));
  assert.ok(at('id="floor"') > at('id="summary"'));
  assert.match(html, /<h2 class="panel-title">Gates: 1 passed, 1 failed, 0 inconclusive<\/h2>/);
  assert.match(html, /<li class="gate gate-fail"><span class="badge badge-fail">FAIL<\/span> <code>meshed\.p99 &lt; 25ms<\/code>/);
  assert.match(html, /<section id="validity" class="panel validity-valid">/);
  for (const line of storm.verdict.slice(0, 2)) assert.ok(html.includes(`<li>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</li>`), line);
  assert.match(renderHtmlReport({ ...storm, gates: [] }), /The scenario has no gates\./);
  assert.ok(!renderHtmlReport({ ...storm, verdict: [] }).includes('id="verdict"'));
});

test('the proxy, the policy audit and the settings in the scenario\'s own terms', () => {
  const html = renderHtmlReport(storm);
  assert.match(html, /<dt>cost<\/dt><dd>0\.15 CPU cores per 1 000 proxied rps, 96 MB resident<\/dd>/);
  assert.match(html, /<dt>retry budget refusals<\/dt><dd>2960<\/dd>/);
  assert.match(html, /<p class="pass" data-audit-route="sensitive-norway">0 <code>sensitive-norway<\/code> requests left the compliant zone <code>no-oslo<\/code> \(1600 routed\)\.<\/p>/);
  assert.match(html, /<dt>seed<\/dt><dd>42<\/dd>/);
  assert.match(html, /<dt>retry<\/dt><dd>on: up to 3 retries on 502, 503, 504 and connection failures, idempotent methods only; backoff 5ms–100ms; budget 20 % \+ 10\/s over 10s<\/dd>/);
  assert.match(html, /<dt>timeout<\/dt><dd>250ms per route, deadline propagated downstream<\/dd>/);
  assert.doesNotMatch(html, /"percentCanRetry"|<pre>/, 'no raw internal JSON');
  assert.match(html, /<option value="0">1<\/option><option value="1">2<\/option>/, 'repeats are counted from 1, as in the progress output');
});

test('a run in a cluster names the cluster version and its nodes in the settings; an embedded run has no such row', () => {
  const cluster: ClusterInfo = { version: 'v1.34.4', nodes: [{ name: 'meshbench-no', zone: 'no', capacity: { cpu: '2', memory: '24683584Ki', pods: '60' } }, { name: 'n2', zone: null, capacity: {} }] };
  const html = renderHtmlReport({ ...storm, environment: { ...storm.environment, backend: 'kubernetes', cluster } });
  assert.match(html, /<dt>cluster<\/dt><dd>Kubernetes v1\.34\.4; meshbench-no \(zone no, 2 CPU, 24683584Ki\), n2 \(zone none, \? CPU, \?\)<\/dd>/);
  assert.ok(!renderHtmlReport(storm).includes('<dt>cluster</dt>'));
});

test('charts without data are left out rather than drawn empty', () => {
  const arms = storm.arms.map((a) => ({ ...a, repeats: a.repeats.map((r) => ({ ...r, services: [], edges: [] })) }));
  const html = renderHtmlReport({ ...storm, arms });
  assert.ok(html.includes('id="chart-latency"'));
  assert.ok(!html.includes('id="chart-amplification"'));
  assert.ok(!html.includes('id="chart-depth-direct"'));
});

test('the proxy section lists each proxy process per repeat: its node, CPU over the measured part and memory', () => {
  const meshed = storm.arms.find((a) => a.name === 'meshed')!;
  const measuredS = meshed.repeats[0]!.measuredMs / 1000;
  const processes = [
    { repeat: 0, name: 'mesh-proxy-abcde', node: 'meshbench-no', cpuSeconds: 3, rssBytes: 70 * 2 ** 20 },
    { repeat: 0, name: 'mesh-proxy-fghij', node: 'meshbench-de', cpuSeconds: 1.5, rssBytes: 52.5 * 2 ** 20 },
  ];
  const arms = storm.arms.map((a) => (a === meshed ? { ...a, proxy: { ...a.proxy!, processes } } : a));
  const html = renderHtmlReport({ ...storm, arms });
  const table = /<table id="proxy-processes">([\s\S]*?)<\/table>/.exec(html);
  assert.ok(table, 'a proxy-processes table');
  assert.match(table[1]!, new RegExp(`<tr><td>1</td><td>mesh-proxy-abcde</td><td>meshbench-no</td><td>3\\.00</td><td>${(3 / measuredS).toFixed(3).replace('.', '\\.')}</td><td>70\\.0 MiB</td></tr>`));
  assert.match(table[1]!, /<td>mesh-proxy-fghij<\/td><td>meshbench-de<\/td><td>1\.50<\/td><td>[0-9.]+<\/td><td>52\.5 MiB<\/td>/);
  const none = storm.arms.map((a) => (a === meshed ? { ...a, proxy: { ...a.proxy!, processes: [] } } : a));
  assert.ok(!renderHtmlReport({ ...storm, arms: none }).includes('proxy-processes'), 'no table without processes');
});

test('the machine line says where the generator, the proxy and the services ran, or why nothing was pinned', () => {
  const machine = (cpuPinning: RunResult['host']['cpuPinning']) => {
    const m = /<dt>machine<\/dt><dd>([^<]*)<\/dd>/.exec(renderHtmlReport({ ...storm, host: { ...storm.host, cpuPinning } }));
    assert.ok(m, 'a machine row');
    return m[1]!;
  };
  assert.match(machine({ mode: 'on', applied: { generator: '0', proxy: '1', services: '1' }, reason: 'on: 2 CPUs (0-1)' }), /; CPU pinning \(on\): generator on cpu 0, proxy and services on cpu 1$/);
  assert.match(machine({ mode: 'auto', applied: { generator: '0', proxy: '1', services: '2-7' }, reason: 'auto: 8 CPUs (0-7)' }), /; CPU pinning \(auto\): generator on cpu 0, proxy on cpu 1, services on cpu 2-7$/);
  const why = 'auto: 2 CPUs (0-1), fewer than 4 — one core for the proxy and the services would change the system being measured, so nothing is pinned';
  assert.match(machine({ mode: 'auto', applied: null, reason: why }), new RegExp(`; CPU pinning: none \\(${why.replace(/[()]/g, '\\$&')}\\)$`));
  assert.match(machine(undefined), /; CPU pinning not recorded$/, 'a result from before it was recorded');
});
