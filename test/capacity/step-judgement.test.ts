// What a step's numbers mean for capacity: when to cut a collapsing step short, whether the
// knee was set by the scaled service, and the throughput knee and breakpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collapseReason, kneeLimit, throughputFigures } from '../../src/capacity/step-judgement.ts';

const calm = { scheduled: 500, dropped: 0, timeouts: 0, p99: 30 };
const rule = { rate: 500, latencyLimitMs: 50 };

test('a step collapses on drops, timeouts, a p99 far past the SLO or a queue Little’s law cannot explain', () => {
  assert.equal(collapseReason(calm, 20, rule), null);
  assert.equal(collapseReason({ ...calm, p99: 200 }, 60, rule), null, '4× the limit is a breach, not yet a collapse');
  assert.match(collapseReason({ ...calm, dropped: 3 }, 20, rule)!, /3 arrivals dropped/);
  assert.match(collapseReason({ ...calm, timeouts: 10 }, 20, rule)!, /10 of 500 requests in one second timed out/);
  assert.equal(collapseReason({ ...calm, timeouts: 5 }, 20, rule), null, '1 % of timeouts is tolerated');
  assert.match(collapseReason({ ...calm, p99: 251 }, 20, rule)!, /window p99 251 ms, over 5× the SLO's 50 ms/);
  // 500 rps × 5 × 50 ms = 125 in flight at most.
  assert.equal(collapseReason(calm, 125, rule), null);
  assert.match(collapseReason(calm, 126, rule)!, /126 requests in flight, more than 125/);
  assert.equal(collapseReason(calm, 10_000, { rate: 500, latencyLimitMs: null }), null, 'without a latency SLO only drops and timeouts count');
});

test('the knee belongs to the scaled service only if it was saturated or queueing above it, with its queries on time', () => {
  assert.equal(kneeLimit({ maxPoolBusy: 1, maxQueue: 0, queryMs: 10.4 }, 10), 'service');
  assert.equal(kneeLimit({ maxPoolBusy: 0.6, maxQueue: 4, queryMs: null }, 10), 'service');
  assert.equal(kneeLimit({ maxPoolBusy: 0.7, maxQueue: 0, queryMs: 10.1 }, 10), 'elsewhere');
  // Queries held their connection 11.9 ms instead of 10: late timers, not load, filled the pool.
  assert.equal(kneeLimit({ maxPoolBusy: 1, maxQueue: 19, queryMs: 11.9 }, 10), 'machine');
  assert.equal(kneeLimit({ maxPoolBusy: 1, maxQueue: 19, queryMs: 11.5 }, 10), 'service', 'within 10 % + 0.5 ms of 10 ms');
  assert.equal(kneeLimit({ maxPoolBusy: 1, maxQueue: 3, queryMs: 540 }, 500), 'service', '8 % late on a slow query is on time');
  assert.equal(kneeLimit({ maxPoolBusy: 1, maxQueue: 3, queryMs: 1.6 }, 1), 'service', 'a 1 ms query may run half a millisecond late');
});

test('throughput knee: highest rate still kept up with; breakpoint: lowest rate that broke down', () => {
  const steps = [
    { rate: 300, okRps: 300, collapsed: false },
    { rate: 600, okRps: 598, collapsed: false },
    { rate: 800, okRps: 770, collapsed: false },
    { rate: 900, okRps: 790, collapsed: false },
    { rate: 1000, okRps: 700, collapsed: true },
  ];
  assert.deepEqual(throughputFigures(steps), { throughputKneeRps: 800, breakpointRps: 900 });
  assert.deepEqual(throughputFigures(steps.slice(0, 2)), { throughputKneeRps: 600, breakpointRps: null });
});
