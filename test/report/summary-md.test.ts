import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSummaryMarkdown } from '../../src/report/summary-md.ts';
import type { RunResult } from '../../src/result/types.ts';
import { buildRunResult, buildScenario } from '../fixtures/run-result.ts';

const storm = buildRunResult();
const md = renderSummaryMarkdown(storm);

function withMeshedAudit(audit: Array<{ route: string; zone: string; requests: number }>): RunResult {
  const [direct, meshed] = storm.arms;
  return { ...storm, arms: [direct!, { ...meshed!, proxy: { ...meshed!.proxy!, audit } }] };
}

test('opens with the scenario title and the verdict', () => {
  const lines = md.split('\n');
  assert.equal(lines[0], '# meshbench: retry-storm');
  assert.equal(lines[2], `> **Verdict:** ${storm.verdict}`);
  assert.ok(!renderSummaryMarkdown({ ...storm, verdict: null }).includes('Verdict'));
});

test('the table has a row per arm with the numbers, then the overhead and the floor', () => {
  assert.match(md, /^\| arm \| p50 \| p99 \| p99\.9 \| errors \| timeouts \| dropped \| rps \|$/m);
  const meshed = storm.arms[1]!;
  assert.match(md, new RegExp(`^\\| meshed \\| ${meshed.latencyMs.p50.toFixed(1)} ms \\| ${Math.round(meshed.latencyMs.p99)} ms \\|`, 'm'));
  assert.match(md, /^\| direct \| .* \| 5620 \| 370 \| 782 \|$/m);
  // A run with faults: the difference is the mesh's effect on the incident, not its hop cost.
  assert.match(md, /^difference \(meshed - direct\): p50 -\d+ ms/m);
  assert.match(md, /^measurement floor: generator send lateness p50 0\.02 ms, p99 0\.0\d ms$/m);
});

test('faults are listed with requested and actual times and the mechanism', () => {
  assert.match(
    md,
    /^\| `db-lock user-service` \| db-lock \| meshed \| 1 \| 3\.000 s – 6\.000 s \| 3\.005 s – 6\.006 s \| simulated DB table lock on user-service .* \|$/m,
  );
  const failed: RunResult = {
    ...storm,
    faults: [{ ...storm.faults[0]!, actualStartMs: null, actualStopMs: null, error: 'nft: permission denied' }],
  };
  assert.match(renderSummaryMarkdown(failed), /\| not applied: nft: permission denied \|/);
});

test('recovery and amplification per arm', () => {
  assert.match(md, /^- \*\*direct\*\* after `db-lock user-service`: never \(repeat 0\), never \(repeat 1\)$/m);
  assert.match(md, /^- \*\*meshed\*\* after `db-lock user-service`: 0\.9 s \(repeat 0\), 1\.0 s \(repeat 1\)$/m);
  assert.match(md, /^- \*\*direct\*\*: peak 3\.90×, mean 2\.81×$/m);
  assert.match(md, /^- \*\*meshed\*\*: peak 1\.20×, mean 1\.07×$/m);
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
