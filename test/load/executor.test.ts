// The executor and recorder driven by a discrete-event simulation: a fake clock, a waiter that
// advances it, and a "server" whose answers are events on the same clock. No sockets, no sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/core/clock.ts';
import { OpenLoopExecutor, type Outcome, type Sender, type Waiter } from '../../src/load/executor.ts';
import { PhaseTimeline } from '../../src/load/phase-timeline.ts';
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
      this.waiting = true;
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
      this.waiting = false;
    };
  }

  /** True while the executor is inside a wait: then only the waiter moves the clock. */
  private waiting = false;

  /** Fires the next pending event once the executor is past its last wait (draining). */
  async step(): Promise<void> {
    // Let the executor's pending continuations run first: it may be about to wait again.
    await new Promise((r) => setImmediate(r));
    const next = this.waiting ? undefined : this.events.shift();
    if (next) {
      this.clock.advance(Math.max(0, next.at - this.clock.now()));
      next.fire();
    }
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
    warmupMaxS: 0,
    warmupRequests: 1000,
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
  const recorder = new Recorder(null, (w) => windows.push(w));
  const durationMs = spec.durationS * 1000;
  let measureStartAt: number | null = null;
  const timeline = new PhaseTimeline(spec, recorder, () => (measureStartAt = sim.clock.now()));
  const executor = new OpenLoopExecutor({
    arrivals: arrivalSchedule(spec, scheduleRngs(1), timeline),
    marks: timeline.marks(),
    maxInFlight: spec.maxInFlight,
    send,
    sink: recorder,
    clock: sim.clock,
    wait,
  });
  let finished = false;
  const running = executor.run().finally(() => (finished = true));
  while (!finished) await sim.step();
  await running;
  recorder.finish(durationMs);
  const result = recorder.result('2024-01-01T00:00:00.000Z', durationMs, timeline.warmupRecord());
  return { result, windows, measureStartAt, latency: summarizeMs(decodeHistogram(result.histogram)) };
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
  assert.ok(windows[1]!.max! > 499 && windows[0]!.max! < 6 && windows[2]!.max! < 6, JSON.stringify(windows.map((w) => w.max)));
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

test('latency is that of successful requests; fast failures go to the all-request latency and count by reason', async () => {
  const sim = new Simulation();
  let n = 0;
  // Successes take 20 ms; failures come back in 1 ms — a failing arm must not look faster.
  const send: Sender = () =>
    new Promise<Outcome>((resolve) => {
      const i = n++ % 10;
      const [ms, outcome]: [number, Outcome] =
        i === 0
          ? [1, { kind: 'response', status: 503, proxyError: 'all-endpoints-ejected' }]
          : i === 1
            ? [1, { kind: 'response', status: 504, proxyError: 'deadline-exceeded' }]
            : i === 2
              ? [1, { kind: 'response', status: 502, proxyError: null }]
              : i === 3
                ? [1, { kind: 'error', message: 'ECONNREFUSED' }]
                : i === 4
                  ? [1, { kind: 'timeout' }]
                  : [20, { kind: 'response', status: 200 }];
      sim.at(sim.clock.now() + ms, () => resolve(outcome));
    });
  const { result, latency, windows } = await run(load({ durationS: 2 }), sim, send);
  assert.equal(latency.count, 100, 'only the 100 successes are in the headline histogram');
  assert.ok(Math.abs(latency.p50 - 20) < 0.1 && Math.abs(latency.p99 - 20) < 0.1, JSON.stringify(latency));
  const all = summarizeMs(decodeHistogram(result.histogramAll));
  assert.equal(all.count, 200);
  assert.ok(Math.abs(all.p50 - 1) < 0.1, `half the requests failed fast: all-request p50 ${all.p50}`);
  assert.deepEqual(result.failures, {
    'proxy:all-endpoints-ejected': 20,
    'proxy:deadline-exceeded': 20,
    'upstream-5xx': 20,
    'connection-error': 20,
    'client-timeout': 20,
  });
  for (const w of windows) {
    const failed = Object.values(w.failures).reduce((a, b) => a + b, 0);
    assert.equal(failed, w.scheduled - w.ok, 'a window\'s reasons add up to its failures');
    assert.ok(w.p99 !== null && Math.abs(w.p99 - 20) < 0.1 && w.p99All !== null);
  }
});

test('a window without a single success has no success latency (null), not 0 ms', async () => {
  const sim = new Simulation();
  const send: Sender = () => new Promise<Outcome>((resolve) => sim.at(sim.clock.now() + 1, () => resolve({ kind: 'response', status: 503, proxyError: 'shed' })));
  const { windows } = await run(load({ durationS: 1 }), sim, send);
  assert.equal(windows[0]!.p99, null);
  assert.equal(windows[0]!.p50, null);
  assert.ok(windows[0]!.p99All !== null && windows[0]!.p99All < 2);
  assert.deepEqual(windows[0]!.failures, { 'proxy:shed': 100 });
});

/** A server whose service time follows `msAt(now)`. */
function shapedServer(sim: Simulation, msAt: (nowMs: number) => number): Sender {
  return () => new Promise<Outcome>((resolve) => sim.at(sim.clock.now() + msAt(sim.clock.now()), () => resolve({ kind: 'response', status: 200 })));
}

test('the warmup goes on past its minimum until the per-second p99 settles, then measurement starts on that second', async () => {
  const sim = new Simulation();
  // A cold start decaying from 400 ms (×0.3 a second) until 2.5 s, then 5 ms: per-second p99s
  // ≈ 400, 120, 36, 5, 5. Windows 3 and 4 are the first to agree; a decision at a boundary
  // sees the windows finished one second earlier, so the warmup ends at 6 s.
  const send = shapedServer(sim, (now) => (now < 2500 ? 400 * Math.pow(0.3, now / 1000) : 5));
  const { result, measureStartAt, windows } = await run(load({ rate: 200, warmupS: 1, warmupMaxS: 10, durationS: 2 }), sim, send);
  assert.equal(result.warmup.endedBy, 'settled');
  assert.equal(result.warmup.ms, 6000, JSON.stringify(result.warmup.windows));
  assert.equal(measureStartAt, 6000);
  assert.ok(windows.every((w) => w.p99 !== null && w.p99 < 6), 'no cold-start transient in the measured windows');
  assert.equal(result.requests.scheduled, 400);
});

test('a steady warmup ends at the first boundary whose two finished seconds agree', async () => {
  const sim = new Simulation();
  const { result } = await run(load({ rate: 200, warmupS: 1, warmupMaxS: 10, durationS: 1 }), sim, shapedServer(sim, () => 60));
  assert.deepEqual([result.warmup.endedBy, result.warmup.ms], ['settled', 3000], JSON.stringify(result.warmup.windows));
});

test('a warmup that never settles stops at warmupMax and says so', async () => {
  const sim = new Simulation();
  // Alternates 5 ms and 50 ms seconds: never two agreeing seconds in a row.
  const send = shapedServer(sim, (now) => (Math.floor(now / 1000) % 2 === 0 ? 5 : 50));
  const { result } = await run(load({ rate: 200, warmupS: 1, warmupMaxS: 4, durationS: 1 }), sim, send);
  assert.equal(result.warmup.endedBy, 'max');
  assert.equal(result.warmup.ms, 4000);
});

test('at a rate too low for a per-second p99 the warmup ends once every hop carried warmupRequests', async () => {
  const sim = new Simulation();
  const send = shapedServer(sim, (now) => (Math.floor(now / 1000) % 2 === 0 ? 5 : 50));
  const { result } = await run(load({ rate: 50, warmupS: 1, warmupMaxS: 20, warmupRequests: 150, durationS: 1 }), sim, send);
  assert.equal(result.warmup.endedBy, 'requests');
  // 150 requests at 50 rps take 3 s (windows 0–2); window 2 is finished at 3 s, so the decision
  // at 4 s is the first to see it.
  assert.equal(result.warmup.ms, 4000);
});
