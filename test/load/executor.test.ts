// The executor and recorder driven by a discrete-event simulation: a fake clock, a waiter that
// advances it, and a "server" whose answers are events on the same clock. No sockets, no sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/core/clock.ts';
import { OpenLoopExecutor, type Outcome, type Sender, type Waiter } from '../../src/load/executor.ts';
import { Recorder } from '../../src/load/recorder.ts';
import { arrivalSchedule, scheduleRngs, type Arrival } from '../../src/load/schedule.ts';
import { decodeHistogram, summarizeMs } from '../../src/stats/histogram.ts';
import type { LoadSpec } from '../../src/scenario/types.ts';
import type { WindowPoint } from '../../src/result/types.ts';

class Simulation {
  readonly clock = new FakeClock(0);
  private events: Array<{ at: number; fire: () => void }> = [];

  at(at: number, fire: () => void): void {
    this.events.push({ at, fire });
    this.events.sort((a, b) => a.at - b.at);
  }

  /** Advances the clock to `untilMs`, firing due events in order and letting promises settle. */
  waiter(lateByMs = 0): Waiter {
    return async (untilMs) => {
      const target = untilMs + lateByMs;
      for (;;) {
        const next = this.events[0];
        if (!next || next.at > target) break;
        this.events.shift();
        this.clock.advance(Math.max(0, next.at - this.clock.now()));
        next.fire();
        await new Promise((r) => setImmediate(r));
      }
      this.clock.advance(Math.max(0, target - this.clock.now()));
    };
  }

  /** A server that answers after `serviceMs`, but not before `stalledUntil` if it arrives in the stall. */
  server(serviceMs: number, stall: { fromMs: number; toMs: number } | null = null): Sender {
    return () =>
      new Promise<Outcome>((resolve) => {
        let answerAt = this.clock.now() + serviceMs;
        if (stall && answerAt >= stall.fromMs && this.clock.now() < stall.toMs) answerAt = Math.max(answerAt, stall.toMs);
        this.at(answerAt, () => resolve({ kind: 'response', status: 200 }));
      });
  }
}

function load(overrides: Partial<LoadSpec>): LoadSpec {
  return {
    rate: 100,
    arrival: 'constant',
    warmupS: 0,
    durationS: 3,
    ramp: null,
    maxInFlight: 1000,
    timeoutMs: 10_000,
    method: 'GET',
    path: '/',
    classes: [],
    generators: 1,
    ...overrides,
  };
}

async function run(spec: LoadSpec, sim: Simulation, send: Sender, wait: Waiter = sim.waiter()) {
  const windows: WindowPoint[] = [];
  const recorder = new Recorder(spec.warmupS * 1000, (w) => windows.push(w));
  const durationMs = spec.durationS * 1000;
  const marks = [1000, 2000, 3000].filter((t) => t <= durationMs).map((t) => ({
    atMs: spec.warmupS * 1000 + t,
    run: () => recorder.closeThrough(t),
  }));
  const executor = new OpenLoopExecutor({
    arrivals: arrivalSchedule(spec, scheduleRngs(1)),
    marks,
    maxInFlight: spec.maxInFlight,
    send,
    sink: recorder,
    clock: sim.clock,
    wait,
  });
  await executor.run();
  recorder.finish(durationMs);
  const result = recorder.result('2024-01-01T00:00:00.000Z', durationMs);
  return { result, windows, latency: summarizeMs(decodeHistogram(result.histogram)) };
}

test('requests intended during a server stall are measured from their intended time', async () => {
  const sim = new Simulation();
  // 100 rps, 5 ms service time; the server answers nothing between 1000 and 1500 ms.
  const { result, latency, windows } = await run(load({}), sim, sim.server(5, { fromMs: 1000, toMs: 1500 }));
  assert.equal(result.requests.sent, 300);
  assert.equal(result.requests.ok, 300);
  assert.equal(result.requests.dropped, 0);
  // 50 requests were intended in [1000, 1500): they waited 500, 490, … 10 ms for the stall to end.
  // A closed-loop client would have sent one of them and recorded a single slow sample.
  assert.ok(Math.abs(latency.max - 500) < 1, `max ${latency.max}`);
  // Sorted, the 300 samples are 250 × 5 ms then 10, 20 … 500 ms: p90 is the 20th stalled one.
  assert.ok(Math.abs(latency.p90 - 200) < 2, `p90 ${latency.p90} must carry the stall`);
  assert.ok(Math.abs(latency.p99 - 470) < 2, `p99 ${latency.p99}`);
  assert.ok(Math.abs(latency.p50 - 5) < 0.1, `p50 ${latency.p50}`);
  // The stall is attributed to the window where the requests were meant to start.
  assert.equal(windows.length, 3);
  assert.ok(windows[1]!.max > 499 && windows[0]!.max < 6 && windows[2]!.max < 6, JSON.stringify(windows.map((w) => w.max)));
});

test('arrivals beyond maxInFlight are dropped and counted, never delayed', async () => {
  const sim = new Simulation();
  const sent: number[] = [];
  const server = sim.server(5, { fromMs: 1000, toMs: 1500 });
  const send: Sender = (a: Arrival) => {
    sent.push(sim.clock.now() - a.atMs);
    return server(a);
  };
  const { result, windows } = await run(load({ maxInFlight: 10 }), sim, send);
  // The 10 requests of 1000…1090 ms fill the pool; the other 40 of the stall are dropped.
  assert.equal(result.requests.dropped, 40);
  assert.equal(result.requests.scheduled, 300);
  assert.equal(result.requests.sent, 260);
  assert.equal(result.requests.sent, result.requests.ok + result.requests.errors + result.requests.timeouts);
  assert.deepEqual(windows.map((w) => w.dropped), [0, 40, 0]);
  assert.ok(sent.every((lateness) => lateness === 0), 'every request that went out went out on time');
});

test('send lateness is recorded and included in the latency', async () => {
  const sim = new Simulation();
  const { result, latency } = await run(load({ durationS: 1 }), sim, sim.server(4), sim.waiter(3));
  const lateness = summarizeMs(decodeHistogram(result.sendLateness));
  assert.equal(lateness.count, 100);
  assert.ok(Math.abs(lateness.p50 - 3) < 0.01 && Math.abs(lateness.max - 3) < 0.01, JSON.stringify(lateness));
  assert.ok(Math.abs(latency.p50 - 7) < 0.01, `latency p50 ${latency.p50} = 3 ms late + 4 ms service`);
});

test('warmup requests are sent but not recorded; windows start at the measurement start', async () => {
  const sim = new Simulation();
  const sent: Arrival[] = [];
  const server = sim.server(2);
  const send: Sender = (a) => {
    sent.push(a);
    return server(a);
  };
  const { result, windows } = await run(load({ warmupS: 1, durationS: 2 }), sim, send);
  assert.equal(sent.length, 300);
  assert.equal(result.requests.scheduled, 200);
  assert.deepEqual(windows.map((w) => [w.t, w.scheduled, w.ok]), [[0, 100, 100], [1, 100, 100]]);
});

test('timeouts and error statuses are counted apart from ok', async () => {
  const sim = new Simulation();
  let n = 0;
  const send: Sender = () =>
    new Promise<Outcome>((resolve) => {
      const i = n++;
      const outcome: Outcome =
        i % 10 === 0 ? { kind: 'timeout' } : i % 10 === 1 ? { kind: 'response', status: 503 } : i % 10 === 2 ? { kind: 'error', message: 'ECONNRESET' } : { kind: 'response', status: 200 };
      sim.at(sim.clock.now() + 1, () => resolve(outcome));
    });
  const { result } = await run(load({ durationS: 1 }), sim, send);
  assert.deepEqual(
    { ...result.requests },
    { scheduled: 100, sent: 100, ok: 70, errors: 20, timeouts: 10, dropped: 0, byStatus: { '200': 70, '503': 10 } },
  );
});
