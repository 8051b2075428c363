import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateOutcomes, gateRunResult } from '../../src/gate/evaluate.ts';
import { renderSummaryMarkdown } from '../../src/report/summary-md.ts';
import type { RunResult } from '../../src/result/types.ts';
import { buildRunResult, buildScenario } from '../fixtures/run-result.ts';

const measured = buildRunResult();
const storm: RunResult = { ...measured, gates: gateOutcomes(gateRunResult(measured)) };
const md = renderSummaryMarkdown(storm);

function withMeshedAudit(audit: Array<{ route: string; zone: string; requests: number }>): RunResult {
  const [direct, meshed] = storm.arms;
  return { ...storm, arms: [direct!, { ...meshed!, proxy: { ...meshed!.proxy!, audit } }] };
}

test('opens with the title and the gate outcomes, then the verdict lines and the validity', () => {
  const lines = md.split('\n');
  assert.equal(lines[0], '# meshbench: retry-storm');
  assert.equal(lines[2], '## Gates');
  assert.match(md, /^\| ❌ fail \| `meshed\.p99 < 25ms` \| meshed\.p99 \| [\d.]+ms \| [\d.]+ms … [\d.]+ms \| < 25ms \|$/m);
  assert.match(md, /^\| ✅ pass \| `meshed\.recovery < 2s` \|/m);
  assert.ok(md.indexOf('## Gates') < md.indexOf('## Verdict'));
  for (const line of storm.verdict) assert.ok(md.includes(`- ${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`), line);
  assert.match(md, /^\*\*Validity: valid\*\* — every check passed\.$/m);
  assert.match(renderSummaryMarkdown({ ...storm, gates: [] }), /^The scenario has no gates\.$/m);
  assert.ok(!renderSummaryMarkdown({ ...storm, gates: null }).includes('## Gates'), 'not judged: no gate section');
});

test('an inconclusive run lists its reasons', () => {
  const run: RunResult = { ...storm, validity: { status: 'inconclusive', reasons: [{ check: 'floor', status: 'inconclusive', scope: 'latency-difference', message: 'the p99 cost is below the floor' }], checks: [] } };
  const out = renderSummaryMarkdown(run);
  assert.match(out, /^\*\*Validity: inconclusive\*\*$/m);
  assert.match(out, /^- inconclusive \(floor\): the p99 cost is below the floor$/m);
});

test('the summary table is of successful requests, with the all-request p99 and failure reasons beside it', () => {
  assert.match(md, /^_latency of successful requests from the intended send time; "p99 all requests" includes failed ones\._$/m);
  assert.match(md, /^\| arm \| p50 \| p99 \| p99\.9 \| p99 all requests \| failed \| main failure reasons \| rps \| goodput \|$/m);
  const meshed = storm.arms[1]!;
  assert.match(md, new RegExp(`^\\| meshed \\| ${meshed.latencyMs.p50.toFixed(1)} ms \\| ${meshed.latencyMs.p99.toFixed(1)} ms \\|`, 'm'));
  assert.match(md, /^\| direct \| .* \| client-timeout 35\.13 %, upstream-5xx 19\.51 %, … \| 782 \| 344 \|$/m);
  assert.match(md, /^measurement floor: generator send lateness p50 0\.02 ms, p99 0\.0\d ms$/m);
});

test('steady state, incidents per arm and repeat (counted from 1), failures and amplification per edge', () => {
  assert.match(md, /^\| direct \| 6 \| 10\.4 ms \| 12\.0 ms \| 100\.00 % \| 800 \|$/m);
  assert.match(md, /^\| db-lock user-service \| direct \| 1 \| 11\.9 ms \| no success \| 0\.00 % \| client-timeout \d+, upstream-5xx \d+(, dropped \d+)? \| not recovered \(3 s watched\) \|$/m);
  assert.match(md, /^\| db-lock user-service \| meshed \| 2 \| 12\.\d ms \| no success \| 0\.00 % \| proxy:deadline-exceeded 1600 \| recovered after 1\.0 s \|$/m);
  assert.match(md, /^\| proxy:deadline-exceeded \| — \| 4907 \(30\.67 %\) \|$/m);
  assert.match(md, /^\| direct \| frontend → user-service \| app \| 3\.90× \| 2\.81× \| 15630 \| 0 \|$/m);
  assert.match(md, /^\| meshed \| frontend → user-service \| proxy \| 1\.20× \| 1\.06× \| 16000 \| 1440 \|$/m);
});

test('the proxy\'s cost and counters', () => {
  assert.match(md, /^\| cost \| 0\.15 CPU cores per 1 000 proxied rps, 96 MB resident \|$/m);
  assert.match(md, /^\| retry budget refusals \| 2960 \|$/m);
  assert.match(md, /^\| own error responses \| deadline-exceeded 5800 \|$/m);
});

test('conditions and faults are listed with what they are, requested and actual times and the mechanism', () => {
  assert.match(
    md,
    /^\| incident \| `db-lock user-service` \| DB lock on user-service \| meshed \| 2 \| 3\.000 s – 6\.000 s \| 3\.005 s – 6\.006 s \| simulated DB table lock on user-service .* \|$/m,
  );
  const failed: RunResult = { ...storm, faults: [{ ...storm.faults[0]!, actualStartMs: null, actualStopMs: null, error: 'nft: permission denied' }] };
  assert.match(renderSummaryMarkdown(failed), /\| not applied: nft: permission denied \|/);
});

test('the policy audit counts requests that left the compliant zone', () => {
  assert.match(md, /^- 0 `sensitive-norway` requests left the compliant zone `no-oslo` \(1600 routed\)\.$/m);
  const leaked = renderSummaryMarkdown(
    withMeshedAudit([
      { route: 'sensitive-norway', zone: 'no-oslo', requests: 1597 },
      { route: 'sensitive-norway', zone: 'de-frankfurt', requests: 3 },
      // Other routes may go anywhere: not counted.
      { route: 'default', zone: 'de-frankfurt', requests: 7000 },
    ]),
  );
  assert.match(leaked, /^- 3 `sensitive-norway` requests left the compliant zone `no-oslo` \(1600 routed, to `de-frankfurt`\)\.$/m);
});

test('no audit section without a meshed proxy audit', () => {
  const [direct, meshed] = storm.arms;
  const run = { ...storm, arms: [direct!, { ...meshed!, proxy: null }] };
  assert.ok(!renderSummaryMarkdown(run).includes('Policy routing'));
});

test('user text cannot inject HTML into the job summary', () => {
  const out = renderSummaryMarkdown({ ...storm, scenario: buildScenario({ name: '<img src=x onerror=alert(1)>' }) });
  assert.equal(out.split('\n')[0], '# meshbench: &lt;img src=x onerror=alert(1)&gt;');
});
