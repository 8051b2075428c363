import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSummaryTable } from '../../src/report/text-table.ts';
import type { ArmResult, LatencyMs, RunResult } from '../../src/result/types.ts';
import { buildRunResult } from '../fixtures/run-result.ts';

const storm = buildRunResult();

function latency(p50: number, p99: number, p999: number): LatencyMs {
  return { count: 8000, mean: p50, p50, p90: p99, p99, p999, max: p999 };
}

/** The fixture with the headline numbers of a clean run (no faults, nothing lost). */
function cleanRun(overrides: Partial<RunResult> = {}): RunResult {
  const arm = (a: ArmResult, l: LatencyMs): ArmResult => ({
    ...a,
    latencyMs: l,
    errorRate: 0,
    achievedRps: 800,
    requests: { ...a.requests, scheduled: 16000, sent: 16000, ok: 16000, errors: 0, timeouts: 0, dropped: 0 },
    sendLatenessMs: { ...a.sendLatenessMs, p50: 0.02, p99: 0.09 },
  });
  return {
    ...storm,
    arms: [arm(storm.arms[0]!, latency(10.4, 12.1, 14.0)), arm(storm.arms[1]!, latency(10.7, 12.9, 15.2))],
    comparison: { base: 'direct', other: 'meshed', addedMs: { p50: 0.3, p99: 0.8, p999: 1.2 }, ratio: { p50: 1.03, p99: 1.07, p999: 1.09 } },
    scenario: { ...storm.scenario, faults: [] },
    faults: [],
    verdict: null,
    ...overrides,
  };
}

test('a clean run prints the aligned table, the overhead and the measurement floor', () => {
  assert.equal(
    renderSummaryTable(cleanRun()),
    [
      'arm     p50      p99      p99.9    errors  rps',
      'direct  10.4 ms  12.1 ms  14.0 ms  0.00 %  800',
      'meshed  10.7 ms  12.9 ms  15.2 ms  0.00 %  800',
      'proxy overhead (meshed - direct): p50 +0.30 ms, p99 +0.80 ms, p99.9 +1.2 ms',
      'measurement floor: generator send lateness p50 0.02 ms, p99 0.09 ms',
      '',
    ].join('\n'),
  );
});

test('a faster meshed arm shows a negative overhead, sub-millisecond values keep two decimals', () => {
  const run = cleanRun({
    comparison: { base: 'direct', other: 'meshed', addedMs: { p50: -0.25, p99: -3.5, p999: 0 }, ratio: { p50: 0.98, p99: 0.7, p999: 1 } },
  });
  assert.match(renderSummaryTable(run), /^proxy overhead \(meshed - direct\): p50 -0\.25 ms, p99 -3\.5 ms, p99\.9 ±0\.00 ms$/m);
});

test('one arm: no overhead line, the floor line stays', () => {
  const run = cleanRun({ arms: [cleanRun().arms[0]!], comparison: null });
  const lines = renderSummaryTable(run).trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.ok(!lines.some((l) => l.includes('overhead')));
  assert.match(lines[2]!, /^measurement floor: generator send lateness p50 0\.02 ms, p99 0\.09 ms$/);
});

test('the floor is the worst arm: a late generator in either arm shows', () => {
  const run = cleanRun();
  run.arms[1] = { ...run.arms[1]!, sendLatenessMs: { ...run.arms[1]!.sendLatenessMs, p50: 0.4, p99: 1.3 } };
  assert.match(renderSummaryTable(run), /measurement floor: generator send lateness p50 0\.40 ms, p99 1\.3 ms/);
});

test('the retry storm shows timeouts, dropped, error rates and the verdict last', () => {
  const lines = renderSummaryTable(storm).trimEnd().split('\n');
  const [header, direct, meshed] = lines.map((l) => l.split(/\s{2,}/));
  assert.deepEqual(header, ['arm', 'p50', 'p99', 'p99.9', 'errors', 'timeouts', 'dropped', 'rps']);
  const d = storm.arms[0]!;
  assert.deepEqual(direct, [
    'direct',
    `${Math.round(d.latencyMs.p50)} ms`,
    `${Math.round(d.latencyMs.p99)} ms`,
    `${Math.round(d.latencyMs.p999)} ms`,
    `${(d.errorRate * 100).toFixed(2)} %`,
    String(d.requests.timeouts),
    String(d.requests.dropped),
    String(Math.round(d.achievedRps)),
  ]);
  assert.equal(d.requests.dropped, 370);
  assert.equal(meshed![0], 'meshed');
  assert.equal(meshed![6], '0');
  assert.equal(lines.at(-1), `verdict: ${storm.verdict}`);
  assert.match(lines[3]!, /^difference \(meshed - direct\): p50 -\d+ ms/, 'under faults it is not called the proxy overhead');
});
