// Amplification is attempts the caller made ÷ requests that made any, both counted when a
// request finished. Property: whatever the timing — retries spanning window edges, calls
// collapsing, a caller replica restarting — no window of a naive client with R retries reads
// above 1 + R, and no proxy window reads below 1 because of fast failures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRng, type Rng } from '../../src/core/rng.ts';
import { edgeSummaries, windowAmplification } from '../../src/analysis/amplification.ts';
import { toEdgeSeries, type TopologySample } from '../../src/runner/service-sampler.ts';
import type { RepeatResult } from '../../src/result/types.ts';
import type { ServiceCounters } from '../../src/services/protocol.ts';
import type { Topology } from '../../src/scenario/types.ts';

const topology: Topology = {
  entry: 'frontend',
  services: [
    { name: 'frontend', replicas: 2, serviceTime: { kind: 'fixed', ms: 1 }, pool: 64, responseBytes: 10, calls: [{ service: 'users', retry: { timeoutMs: 100, retries: 0, backoffMs: 0 } }], zones: null, external: null, contention: null },
    { name: 'users', replicas: 1, serviceTime: { kind: 'fixed', ms: 10 }, pool: 8, responseBytes: 10, calls: [], zones: null, external: null, contention: null },
  ],
};

interface Call {
  replica: number;
  /** Start times of each attempt (ms). */
  attemptsAt: number[];
  finishedAt: number;
}

/** Random calls of a naive client with `retries`: bursts, long timeouts, retries across window edges. */
function naiveCalls(rng: Rng, retries: number, seconds: number): Call[] {
  const calls: Call[] = [];
  const n = 50 + Math.floor(rng.next() * 400);
  for (let i = 0; i < n; i++) {
    // Half the calls crowd into the first second, so later windows see few new calls but many retries.
    const start = rng.next() < 0.5 ? rng.next() * 1000 : rng.next() * seconds * 1000;
    const attempts = 1 + Math.floor(rng.next() * (retries + 1));
    const timeout = 20 + rng.next() * 1500;
    const attemptsAt = Array.from({ length: attempts }, (_, k) => start + k * timeout);
    calls.push({ replica: rng.next() < 0.5 ? 0 : 1, attemptsAt, finishedAt: start + attempts * timeout - rng.next() * timeout * 0.9 });
  }
  return calls;
}

function counters(calls: Call[], atMs: number, replica: number, restartAtMs: number | null): ServiceCounters {
  // A replica restarted at restartAtMs counts from zero again.
  const since = restartAtMs !== null && atMs >= restartAtMs ? restartAtMs : -Infinity;
  const mine = calls.filter((c) => c.replica === replica && c.finishedAt <= atMs && c.finishedAt > since);
  return {
    arrivals: 0,
    completed: 0,
    expired: 0,
    failed: 0,
    inFlight: 0,
    queueDepth: 0,
    poolInUse: 0,
    downstreamAttempts: calls.filter((c) => c.replica === replica).flatMap((c) => c.attemptsAt).filter((t) => t <= atMs && t > since).length,
    calls: { users: { requests: mine.length, attempts: mine.reduce((n, c) => n + c.attemptsAt.length, 0) } },
  };
}

function arrivals(calls: Call[], atMs: number): ServiceCounters {
  return { ...counters([], atMs, 0, null), arrivals: calls.flatMap((c) => c.attemptsAt).filter((t) => t <= atMs).length, calls: {} };
}

test('property: for any retries R, no window of a naive client exceeds 1 + R', () => {
  let oldWayExceeded = 0;
  for (let trial = 0; trial < 300; trial++) {
    const rng = seededRng(1000 + trial);
    const retries = Math.floor(rng.next() * 6);
    const seconds = 4 + Math.floor(rng.next() * 12);
    const calls = naiveCalls(rng, retries, seconds);
    const restart = rng.next() < 0.3 ? rng.next() * seconds * 1000 : null;
    // Samples land a little after each second, as the runner's timer does.
    const samples: TopologySample[] = Array.from({ length: seconds + 1 }, (_, s) => {
      const at = s * 1000 + rng.next() * 30;
      return { services: new Map([['frontend#0', counters(calls, at, 0, restart)], ['frontend#1', counters(calls, at, 1, null)], ['users#0', arrivals(calls, at)]]), proxy: null };
    });
    const [edge] = toEdgeSeries(samples, topology, 'direct');
    assert.equal(edge!.caller, 'app');
    for (const w of edge!.windows) {
      const a = windowAmplification(w);
      if (a !== null) assert.ok(a <= 1 + retries + 1e-12, `trial ${trial}: window ${w.t} reads ${a} with retries ${retries}`);
      if (w.requests > 0 && w.arrivals / w.requests > 1 + retries) oldWayExceeded++;
    }
  }
  // The simulation does produce the timing that broke the old measure (arrivals ÷ requests).
  assert.ok(oldWayExceeded > 20, `arrivals ÷ requests exceeded 1 + R in ${oldWayExceeded} windows`);
});

test('a proxy that fails requests fast reads ≥ 1 on the attempts it made, and counts the fast failures apart', () => {
  const proxy = (requests: number, attempts: number, attempted: number) => ({ counters: {}, audit: [], destinations: { users: { requests, attempts, attempted }, frontend: { requests, attempts: requests, attempted: requests } }, processes: [] });
  const samples: TopologySample[] = [
    { services: new Map(), proxy: proxy(0, 0, 0) },
    { services: new Map(), proxy: proxy(800, 960, 800) },
    // During a lock: 800 requests, 700 failed fast (breaker open), 100 attempted with 1.2 attempts each.
    { services: new Map(), proxy: proxy(1600, 1080, 900) },
  ];
  const edges = toEdgeSeries(samples, topology, 'meshed');
  assert.deepEqual(edges.map((e) => `${e.from}->${e.to}`), ['client->frontend', 'frontend->users']);
  const users = edges[1]!;
  assert.deepEqual(users.windows.map(windowAmplification), [1.2, 1.2]);
  const repeat = { edges } as unknown as RepeatResult;
  const summary = edgeSummaries([repeat]).find((e) => e.to === 'users')!;
  assert.equal(summary.notAttempted, 700);
  assert.ok(summary.mean >= 1);
});
