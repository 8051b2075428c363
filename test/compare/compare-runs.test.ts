// `meshbench compare` on synthetic runs whose truth is known: the same distribution reads "no
// measurable difference", a real shift reads worse one way and better the other, and error-rate
// changes are judged as differences. Markdown and HTML carry the intervals and verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, type Comparison, type Verdict } from '../../src/compare/compare-runs.ts';
import { renderCompareMarkdown } from '../../src/compare/markdown.ts';
import { renderCompareHtml } from '../../src/compare/html.ts';
import { syntheticResult, type SyntheticArm } from '../gate/synthetic-result.ts';

const arms = (scale: number, errorShare = 0): SyntheticArm[] => [
  { name: 'direct', p50Ms: 10, p99Ms: 25, repeats: 3, requestsPerRepeat: 3000, drift: 0.02 },
  { name: 'meshed', p50Ms: 12 * scale, p99Ms: 30 * scale, repeats: 3, requestsPerRepeat: 3000, drift: 0.02, errorShare },
];
const OPTS = { confidence: 0.95, iterations: 1000, seed: 3 };

function verdicts(c: Comparison, arm: string, run = 1): Record<string, Verdict> {
  const a = c.arms.find((x) => x.arm === arm)!;
  return Object.fromEntries(a.rows.map((r) => [r.spec.metric, r.changes[run]!.verdict]));
}

const a = syntheticResult(11, arms(1));
const aAgain = syntheticResult(12, arms(1));
const slower = syntheticResult(13, arms(1.5));
const failing = syntheticResult(14, arms(1, 0.05));

test('the same distribution twice: no measurable difference on every latency percentile', () => {
  const c = compareRuns([a, aAgain], OPTS);
  assert.ok(c.sameScenario);
  for (const arm of ['direct', 'meshed']) {
    const v = verdicts(c, arm);
    for (const m of ['p50', 'p90', 'p99', 'p999', 'errorRate']) assert.equal(v[m], 'no measurable difference', `${arm} ${m}`);
    assert.equal(v.amplification, 'not measured');
    assert.equal(v.recoveryS, 'not measured');
  }
});

test('a +50 % latency shift of one arm is worse one way, better the other, and the other arm is unchanged', () => {
  const c = compareRuns([a, slower, aAgain], OPTS);
  const m = verdicts(c, 'meshed', 1);
  for (const k of ['p50', 'p90', 'p99']) assert.equal(m[k], 'worse', k);
  assert.equal(verdicts(c, 'direct', 1).p50, 'no measurable difference');
  assert.equal(verdicts(c, 'meshed', 2).p99, 'no measurable difference');
  const p50 = c.arms.find((x) => x.arm === 'meshed')!.rows[0]!.changes[1]!.estimate!;
  assert.ok(p50.interval!.lo < 0.5 && p50.interval!.hi > 0.5 - 0.1 && Math.abs(p50.point - 0.5) < 0.1, `p50 change ${JSON.stringify(p50)}`);
  const back = verdicts(compareRuns([slower, a], OPTS), 'meshed');
  for (const k of ['p50', 'p90', 'p99']) assert.equal(back[k], 'better', k);
});

test('5 % more failed requests is a worse error rate, as a difference in points', () => {
  const c = compareRuns([a, failing], OPTS);
  assert.equal(verdicts(c, 'meshed').errorRate, 'worse');
  const row = c.arms.find((x) => x.arm === 'meshed')!.rows.find((r) => r.spec.metric === 'errorRate')!;
  assert.ok(Math.abs(row.changes[1]!.estimate!.point - 0.05) < 0.01);
});

test('runs of different scenarios are flagged; the Markdown fits a comment and the HTML overlays curves', () => {
  const other = { ...slower, scenario: { ...slower.scenario, load: { ...slower.scenario.load, rate: 123 } } };
  const c = compareRuns([a, other], OPTS);
  assert.equal(c.sameScenario, false);
  const md = renderCompareMarkdown(c);
  assert.match(md, /⚠️ Different scenarios:/);
  assert.match(md, /\| metric \| A \| B \| B vs A \|/);
  assert.match(md, /\| p99 \| [\d.]+ms <sub>[\d.]+ms … [\d.]+ms<\/sub> \| [\d.]+ms <sub>.*<\/sub> \| \+[\d.]+% <sub>\+[\d.]+% … \+[\d.]+%<\/sub> 🔴 worse \|/);
  assert.match(md, /\*\*worse: meshed p50, meshed p90, meshed p99/);
  assert.ok(md.length < 65_536, 'a GitHub comment holds at most 65 536 characters');
  const html = renderCompareHtml(c, [a, other]);
  assert.match(html, /<canvas id="curves-1"><\/canvas>/);
  const data = JSON.parse(/<script type="application\/json" id="compare-data">(.*?)<\/script>/s.exec(html)![1]!);
  assert.equal(data.runs.length, 2);
  assert.deepEqual(data.runs[1].curves.map((x: { arm: string }) => x.arm), ['direct', 'meshed']);
  assert.ok(data.runs[1].curves[1].points.length > 5);
});

test('a run read from a version-1 result is labelled as such', async () => {
  const { readRunResult } = await import('../../src/result/read.ts');
  const v1 = await readRunResult(new URL('../fixtures/v1-result.json', import.meta.url).pathname);
  const c = compareRuns([v1, v1], { ...OPTS, iterations: 200 });
  assert.match(c.runs[0]!.caveats[0] ?? '', /^read from a version-1 result/);
  assert.match(renderCompareMarkdown(c), /> \*\*A:\*\* read from a version-1 result \(its stored latency included failed requests/);
});
