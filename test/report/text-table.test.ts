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
    latencyAllMs: l,
    errorRate: 0,
    achievedRps: 800,
    goodputRps: 800,
    failures: { byReason: {} },
    requests: { ...a.requests, scheduled: 16000, sent: 16000, ok: 16000, errors: 0, timeouts: 0, dropped: 0 },
    sendLatenessMs: { ...a.sendLatenessMs, p50: 0.02, p99: 0.09 },
  });
  return {
    ...storm,
    arms: [arm(storm.arms[0]!, latency(10.4, 12.1, 14.0)), arm(storm.arms[1]!, latency(10.7, 12.9, 15.2))],
    comparison: { base: 'direct', other: 'meshed', addedMs: { p50: 0.3, p99: 0.8, p999: 1.2 }, ratio: { p50: 1.03, p99: 1.07, p999: 1.09 } },
    scenario: { ...storm.scenario, faults: [] },
    faults: [],
    validity: { status: 'valid', reasons: [], checks: [] },
    verdict: [],
    ...overrides,
  };
}

test('a clean run prints the latency note, the aligned table, the difference, the floor and validity', () => {
  assert.equal(
    renderSummaryTable(cleanRun()),
    [
      '(latency of successful requests from the intended send time; "p99 all requests" includes failed ones)',
      'arm     p50      p99      p99.9    p99 all requests  failed  main failure reasons  rps  goodput',
      'direct  10.4 ms  12.1 ms  14.0 ms  12.1 ms           0.00 %  —                     800  800',
      'meshed  10.7 ms  12.9 ms  15.2 ms  12.9 ms           0.00 %  —                     800  800',
      'difference over the whole measured part (meshed - direct): p50 +0.30 ms, p99 +0.80 ms, p99.9 +1.2 ms',
      'measurement floor: generator send lateness p50 0.02 ms, p99 0.09 ms',
      'validity: valid',
      '',
    ].join('\n'),
  );
});

test('one arm: no difference line; the floor line stays', () => {
  const run = cleanRun({ arms: [cleanRun().arms[0]!], comparison: null });
  const lines = renderSummaryTable(run).trimEnd().split('\n');
  assert.ok(!lines.some((l) => l.startsWith('difference')));
  assert.match(lines.at(-2)!, /^measurement floor: generator send lateness p50 0\.02 ms, p99 0\.09 ms$/);
});

test('the floor is the worst arm: a late generator in either arm shows', () => {
  const run = cleanRun();
  run.arms[1] = { ...run.arms[1]!, sendLatenessMs: { ...run.arms[1]!.sendLatenessMs, p50: 0.4, p99: 1.3 } };
  assert.match(renderSummaryTable(run), /measurement floor: generator send lateness p50 0\.40 ms, p99 1\.3 ms/);
});

test('the retry storm shows failures by reason, the validity and the verdict lines last', () => {
  const lines = renderSummaryTable(storm).trimEnd().split('\n');
  const [, header, direct, meshed] = lines.map((l) => l.split(/\s{2,}/));
  assert.deepEqual(header, ['arm', 'p50', 'p99', 'p99.9', 'p99 all requests', 'failed', 'main failure reasons', 'rps', 'goodput']);
  const d = storm.arms[0]!;
  assert.equal(direct![0], 'direct');
  assert.equal(direct![1], `${d.latencyMs.p50.toFixed(1)} ms`);
  assert.equal(direct![5], `${(d.errorRate * 100).toFixed(2)} %`);
  assert.match(direct![6]!, /^client-timeout \d+\.\d\d %, upstream-5xx \d+\.\d\d %, …$/);
  assert.match(meshed![6]!, /^proxy:deadline-exceeded \d+\.\d\d %$/);
  assert.match(lines.find((l) => l.startsWith('difference'))!, /^difference over the whole measured part, incidents included \(meshed - direct\)/);
  assert.equal(lines.find((l) => l.startsWith('validity')), 'validity: valid');
  const verdictAt = lines.indexOf('verdict:');
  assert.deepEqual(lines.slice(verdictAt + 1), storm.verdict.map((l) => `  ${l}`));
});

test('an inconclusive run says so with its reasons', () => {
  const run = cleanRun({ validity: { status: 'inconclusive', reasons: [{ check: 'concurrent-run', status: 'inconclusive', scope: 'run', message: 'another meshbench run was active on this machine (abc123)' }], checks: [] } });
  assert.match(renderSummaryTable(run), /^validity: inconclusive\n  - concurrent-run: another meshbench run was active on this machine \(abc123\)$/m);
});
