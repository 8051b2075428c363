// The capacity report goes into purchase discussions: the answer first, doubts beside it, the
// plan, and the same numbers in the terminal, the Markdown and the HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelCapacity } from '../../src/capacity/model.ts';
import type { PlanRequest } from '../../src/capacity/plan.ts';
import { capacityChartData } from '../../src/capacity/report/chart-data.ts';
import { renderCapacityHtml } from '../../src/capacity/report/html.ts';
import { renderCapacityMarkdown } from '../../src/capacity/report/markdown.ts';
import { answer } from '../../src/capacity/report/sentences.ts';
import { renderCapacityText } from '../../src/capacity/report/text.ts';
import { syntheticSweep } from './fixture.ts';

const request: PlanRequest = { targetRps: 20_000, headroom: 0.3, node: { cores: 4, memoryMiB: 16_384, maxPods: 110 }, proxyModel: 'daemonset' };
const result = modelCapacity(syntheticSweep([{ name: 'direct', capacity: (n) => 800 * n }, { name: 'meshed', capacity: (n) => 800 * n }]), request);

test('the answer names replicas and nodes for both arms and what the mesh costs', () => {
  const { direct, meshed } = result.plan;
  assert.ok(direct?.feasible && meshed?.feasible);
  assert.equal(
    answer(result),
    `To serve 20000 rps with 30 % headroom (26000 rps) at p99 < 50ms: direct 34 replicas on 1 node, meshed 34 replicas on ${meshed.nodes} nodes (user-service; nodes of 4 cores, 16.0 GiB, ≤ 110 pods) — the mesh costs ${meshed.nodes - 1} nodes.`,
  );
});

test('terminal, Markdown and HTML carry the same answer, knees, model and plan', () => {
  const text = renderCapacityText(result);
  const md = renderCapacityMarkdown(result);
  const html = renderCapacityHtml(result);
  for (const out of [text, md]) {
    assert.ok(out.includes(answer(result)) || out.includes(answer(result).replace(/[|`*_<>[\]]/g, (c) => `\\${c}`)));
    assert.match(out, /784 rps \(fails at 816: ±2\.0 %\)/);
    assert.match(out, /λ = 784 rps per replica, σ = 0\.0000, κ = 0\.00000/);
    assert.match(out, /fitted without 3 replicas \(λ\), the model predicted 2352 rps there; 2352 rps measured: 0\.0 % off — within 15 %/);
    assert.match(out, /0\.6 CPU-seconds per 1 000 requests/);
  }
  assert.match(html, /<p class="answer " id="answer">To serve 20000 rps/);
  assert.match(html, /<table id="plan">/);
  assert.match(html, /id="chart-latency-direct"/);
  assert.match(html, /id="chart-latency-meshed"/);
  assert.match(html, /id="chart-usl"/);
});

test('chart data: each replica count’s latency curve, its knee, the SLO line and the USL through the knees', () => {
  const data = capacityChartData(result);
  assert.equal(data.metric, 'p99');
  assert.equal(data.sloMs, 50);
  const curve = data.curves.find((c) => c.arm === 'meshed' && c.replicas === 2)!;
  assert.deepEqual(curve.knee, { x: 1568, y: 12, rate: 1568 });
  assert.ok(curve.points.every((p, i) => i === 0 || p.rate > curve.points[i - 1]!.rate), 'ordered by rate');
  const usl = data.usl.find((u) => u.arm === 'direct')!;
  assert.deepEqual(usl.measured.map((m) => [m.x, m.y, m.fitted]), [
    [1, 784, true],
    [2, 1568, true],
    [3, 2352, true],
  ]);
  assert.ok(Math.abs(usl.curve.find((p) => p.x === 2)!.y - 1568) < 1, 'the curve passes through the knees');
  assert.deepEqual(usl.holdout, { x: 3, y: 2352 });
});

test('hostile names are escaped in HTML and Markdown', () => {
  const hostile = structuredClone(result);
  hostile.scenario.name = '<img src=x onerror=alert(1)>|*';
  assert.ok(!renderCapacityHtml(hostile).includes('<img src=x'));
  assert.match(renderCapacityMarkdown(hostile), /# meshbench capacity: \\<img src=x onerror=alert\(1\)\\>\\\|\\\*/);
});
