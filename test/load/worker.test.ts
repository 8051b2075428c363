// The load-generator process end to end: real child process over IPC, real HTTP on loopback.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startChild, type Child } from '../../src/runtime/child.ts';
import { decodeHistogram, summarizeMs } from '../../src/stats/histogram.ts';
import type { LoadgenCommand, LoadgenConfig, LoadgenEvent } from '../../src/load/types.ts';
import type { LoadSpec } from '../../src/scenario/types.ts';
import type { WindowPoint } from '../../src/result/types.ts';

const servers: http.Server[] = [];
const children: Child<LoadgenCommand, LoadgenEvent>[] = [];

after(async () => {
  await Promise.all(children.map((c) => c.stop()));
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function server(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

function config(targets: string[], load: Partial<LoadSpec>): LoadgenConfig {
  return {
    targets,
    hostHeader: 'frontend',
    seed: 1,
    load: {
      rate: 200,
      arrival: 'constant',
      warmupS: 0.5,
      warmupMaxS: 0.5,
      warmupRequests: 1000,
      durationS: 2,
      ramp: null,
      maxInFlight: 100,
      timeoutMs: 1000,
      method: 'GET',
      path: '/work',
      classes: [
        { name: 'ordinary', weight: 3, headers: {} },
        { name: 'sensitive-norway', weight: 1, headers: { 'x-data-class': 'sensitive-norway' } },
      ],
      generators: 1,
      ...load,
    },
  };
}

function worker(): Child<LoadgenCommand, LoadgenEvent> {
  const child = startChild<LoadgenCommand, LoadgenEvent>('src/load/worker.ts', { label: 'loadgen' });
  children.push(child);
  return child;
}

test('the worker offers 200 rps for 2 s and reports latency from the intended send time', async () => {
  const seen = { hosts: new Set<string>(), paths: new Set<string>(), sensitive: 0, total: 0 };
  const base = await server((req, res) => {
    seen.hosts.add(req.headers.host ?? '');
    seen.paths.add(req.url ?? '');
    seen.total++;
    if (req.headers['x-data-class'] === 'sensitive-norway') seen.sensitive++;
    setTimeout(() => res.end('ok'), 20);
  });
  const child = worker();
  await child.next('ready');
  const progress: WindowPoint[] = [];
  child.onMessage((m) => {
    if (m.type === 'progress') progress.push(m.window);
  });
  const events: string[] = [];
  child.onMessage((m) => events.push(m.type));

  child.send({ type: 'start', config: config([base], {}) });
  const done = await child.next<Extract<LoadgenEvent, { type: 'done' }>>('done', 20_000);
  const { result } = done;
  const r = result.requests;

  assert.equal(r.scheduled, 400);
  assert.equal(r.scheduled, r.sent + r.dropped);
  assert.equal(r.sent, r.ok + r.errors + r.timeouts);
  assert.equal(r.ok, 400, JSON.stringify(r));
  assert.deepEqual(r.byStatus, { '200': 400 });
  assert.equal(result.measuredMs, 2000);
  assert.ok(Math.abs(result.achievedRps - 200) < 1);

  const latency = summarizeMs(decodeHistogram(result.histogram));
  assert.equal(latency.count, 400);
  // The server answers after 20 ms, so no sample can be below 20 ms; the upper bound leaves room
  // for a busy shared machine (the spec'd 24 ms held when idle; 28 ms was seen at load average 5).
  assert.ok(latency.p50 >= 20 && latency.p50 <= 35, `p50 ${latency.p50} ms`);
  const lateness = summarizeMs(decodeHistogram(result.sendLateness));
  assert.equal(lateness.count, 400);

  assert.deepEqual(result.windows.map((w) => [w.t, w.scheduled, w.ok]), [[0, 200, 200], [1, 200, 200]]);
  // Progress carries the counts and live figures (2 significant digits: within 1 % of the
  // result's 3-digit ones); window histograms come only with the final result.
  const counts = ({ histogram: _, histogramAll: __, p50: _p50, p99: _p99, max: _max, p50All: _a, p99All: _b, ...rest }: WindowPoint) => rest;
  assert.deepEqual(progress.map(counts), result.windows.map(counts), 'each window was reported once as progress');
  for (const [i, live] of progress.entries()) {
    const exact = result.windows[i]!;
    for (const key of ['p50', 'p99', 'max', 'p50All', 'p99All'] as const) {
      assert.ok(Math.abs(live[key]! - exact[key]!) <= 0.01 * exact[key]!, `window ${i} ${key}: live ${live[key]} ms vs ${exact[key]} ms`);
    }
  }
  assert.equal(summarizeMs(decodeHistogram(result.windows[1]!.histogram)).count, 200);
  assert.deepEqual(events.filter((e) => e !== 'progress'), ['measure-start', 'done']);

  // Warmup requests went out too (100 of them) but are not in the counts.
  assert.equal(seen.total, 500);
  assert.deepEqual([...seen.hosts], ['frontend']);
  assert.deepEqual([...seen.paths], ['/work']);
  assert.ok(seen.sensitive > 75 && seen.sensitive < 175, `sensitive-norway share ${seen.sensitive}/500`);

  child.send({ type: 'stop' });
  const exit = await child.exited;
  assert.equal(exit.code, 0);
});

test('a server that never answers produces counted timeouts; stop ends the run early', async () => {
  const base = await server(() => {
    /* never answers */
  });
  const child = worker();
  await child.next('ready');
  child.send({ type: 'start', config: config([base], { warmupS: 0, durationS: 30, rate: 50, timeoutMs: 200 }) });
  await child.next('measure-start');
  await child.next('progress', 5000);
  child.send({ type: 'stop' });
  const { result } = await child.next<Extract<LoadgenEvent, { type: 'done' }>>('done', 5000);
  const r = result.requests;

  assert.ok(result.measuredMs >= 1000 && result.measuredMs < 5000, `measured ${result.measuredMs} ms`);
  assert.ok(r.timeouts >= 45, JSON.stringify(r));
  assert.equal(r.ok, 0);
  assert.equal(r.errors, 0);
  assert.equal(r.sent, r.timeouts);
  assert.equal(r.scheduled, r.sent + r.dropped);
  // Timeouts are failures: no successful latency, and the all-request latency sits at ~timeoutMs.
  assert.equal(summarizeMs(decodeHistogram(result.histogram)).count, 0);
  const all = summarizeMs(decodeHistogram(result.histogramAll));
  assert.ok(all.p50 >= 200 && all.p50 < 400, `timed-out requests are recorded at ~timeoutMs among all requests: ${all.p50}`);
  assert.deepEqual(result.failures, { 'client-timeout': r.timeouts });

  child.send({ type: 'stop' });
  assert.equal((await child.exited).code, 0);
});

test('a bad target is reported as an error message, not a crash', async () => {
  const child = worker();
  await child.next('ready');
  child.send({ type: 'start', config: config(['https://127.0.0.1:1'], {}) });
  const err = await child.next<Extract<LoadgenEvent, { type: 'error' }>>('error');
  assert.match(err.message, /not http:\/\//);
  child.send({ type: 'stop' });
  assert.equal((await child.exited).code, 0);
});

test('after done the same worker runs the next load; a start while one runs is refused', async () => {
  const target = await server((_req, res) => res.end('ok'));
  const child = worker();
  await child.next('ready');
  const counts: number[] = [];
  for (const rate of [100, 300]) {
    const done = child.next<Extract<LoadgenEvent, { type: 'done' }>>('done', 20_000);
    child.send({ type: 'start', config: config([target], { rate, durationS: 1, warmupS: 0.2, warmupMaxS: 0.2 }) });
    if (rate === 300) {
      const refused = child.next<Extract<LoadgenEvent, { type: 'error' }>>('error');
      child.send({ type: 'start', config: config([target], { rate }) });
      assert.match((await refused).message, /started while a load was running/);
    }
    counts.push((await done).result.requests.ok);
  }
  assert.deepEqual(counts, [100, 300], 'each load measured its own requests, none of the other');
  child.send({ type: 'stop' });
  assert.equal((await child.exited).code, 0);
});
