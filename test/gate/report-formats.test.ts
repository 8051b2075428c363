// JUnit XML and the Markdown summary are read by CI systems and people; golden files pin them.
// Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { GateReport } from '../../src/gate/evaluate.ts';
import { renderJunit } from '../../src/gate/junit.ts';
import { renderMarkdown } from '../../src/gate/markdown.ts';

const report: GateReport = {
  scenario: 'retry-storm',
  resultId: '20250314-090000-retry-storm',
  baselineId: '20250313-090000-retry-storm',
  confidence: 0.95,
  inconclusive: 'pass',
  baselineRuns: 1,
  missingBaseline: null,
  counts: { pass: 2, fail: 1, inconclusive: 1, skipped: 0 },
  exitCode: 1,
  gates: [
    {
      expression: 'meshed.p99 < 25ms',
      status: 'pass',
      statistic: 'meshed.p99',
      unit: 'ms',
      measured: 21.3,
      interval: { lo: 20.1, hi: 22.8 },
      op: '<',
      threshold: 25,
      text: { measured: '21.3ms', interval: '20.1ms … 22.8ms', threshold: '< 25ms' },
      verdict: 'PASS meshed.p99 < 25ms — meshed.p99 = 21.3ms (95% CI 20.1ms … 22.8ms); whole interval < 25ms',
      validity: [],
    },
    {
      expression: 'meshed.p99 regresses < 10%',
      status: 'fail',
      statistic: 'meshed.p99 increase vs baseline',
      unit: 'change',
      measured: 0.31,
      interval: { lo: 0.22, hi: 0.4 },
      op: '<',
      threshold: 0.1,
      text: { measured: '+31%', interval: '+22% … +40%', threshold: '< 10%' },
      verdict: 'FAIL meshed.p99 regresses < 10% — meshed.p99 increase vs baseline = +31% (95% CI +22% … +40%); whole interval violates < 10%',
      validity: [],
    },
    {
      expression: 'meshed.p99 / direct.p99 < 1.3',
      status: 'inconclusive',
      statistic: 'meshed.p99 / direct.p99',
      unit: 'number',
      measured: 1.27,
      interval: { lo: 1.21, hi: 1.34 },
      op: '<',
      threshold: 1.3,
      text: { measured: '1.27', interval: '1.21 … 1.34', threshold: '< 1.3' },
      verdict: 'INCONCLUSIVE meshed.p99 / direct.p99 < 1.3 — meshed.p99 / direct.p99 = 1.27 (95% CI 1.21 … 1.34); interval straddles 1.3: noise exceeds the margin (more repeats or a longer run narrow it)',
      validity: [],
    },
    {
      expression: 'meshed.recovered',
      status: 'pass',
      statistic: 'meshed.recovered',
      unit: 'number',
      measured: 3,
      interval: null,
      op: null,
      threshold: null,
      text: { measured: 'recovered in 3/3 repeats', interval: '', threshold: 'recovers in every repeat' },
      verdict: 'PASS meshed.recovered — recovered in 3/3 repeats, expected: recovers in every repeat',
      validity: [],
    },
  ],
};

function golden(name: string, actual: string): void {
  const file = new URL(`./golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'));
}

test('JUnit: one test case per gate; failures carry value, interval and threshold; inconclusive is skipped', () => {
  golden('gates.junit.xml', renderJunit(report));
});

test('JUnit: inconclusive gates are failures when inconclusive counts as fail', () => {
  const xml = renderJunit({ ...report, inconclusive: 'fail' });
  assert.match(xml, /<testsuites name="meshbench gates" tests="4" failures="2" errors="0" skipped="0">/);
  assert.match(xml, /<failure type="gate-inconclusive" message="meshed\.p99 \/ direct\.p99 = 1\.27, 95% interval 1\.21 … 1\.34, threshold &lt; 1\.3">/);
  assert.doesNotMatch(xml, /<skipped/);
});

test('Markdown: a table for the CI job summary', () => {
  golden('gates.md', renderMarkdown(report));
});
