// The maxima in src/scenario/limits.ts are derived, not guessed: the constants they rest on are
// measured here (memory of one embedded process, bytes of one result window), and the checks
// that depend on the machine refuse what this machine cannot do, given its facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { WindowPoint } from '../../src/result/types.ts';
import { startChild } from '../../src/runtime/child.ts';
import { parseScenario, ScenarioError } from '../../src/scenario/parse.ts';
import {
  FD_RESERVE,
  MAX_RATE,
  MAX_RESULT_WINDOWS,
  MAX_WINDOW_BYTES,
  maxProcesses,
  PROCESS_RSS_BYTES,
  THREADS_PER_PROCESS,
  type MachineFacts,
} from '../../src/scenario/limits.ts';
import type { ServiceCommand, ServiceEvent } from '../../src/services/protocol.ts';
import { encodeHistogram, newHistogram, recordMs } from '../../src/stats/histogram.ts';

const MACHINE: MachineFacts = { openFiles: 20_000, userThreads: 96_000, memoryBytes: 24 * 2 ** 30 };

const SCENARIO = `
topology:
  services:
    - name: frontend
      calls: [user-service]
    - name: user-service
      serviceTime: 10ms
load:
  rate: 100
  duration: 5s
`;

function problems(yaml: string, machine = MACHINE): string[] {
  try {
    parseScenario(yaml, 'x.yaml', machine);
  } catch (err) {
    assert.ok(err instanceof ScenarioError);
    return err.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message} (${p.hint})`);
  }
  return [];
}

test('one embedded process (a simulated replica) stays within PROCESS_RSS_BYTES', async () => {
  const child = startChild<ServiceCommand, ServiceEvent>('src/services/main.ts', { label: 'rss-probe' });
  try {
    child.send({ type: 'start', config: { name: 'probe', replica: 0, host: '127.0.0.1', port: 0, serviceTime: { kind: 'fixed', ms: 1 }, pool: 64, responseBytes: 128, seed: 1, calls: [], replicas: 1, contention: null } });
    await child.next('ready', 20_000);
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssBytes = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
    const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1]);
    assert.ok(rssBytes > 0 && rssBytes <= PROCESS_RSS_BYTES, `RSS ${(rssBytes / 2 ** 20).toFixed(1)} MB`);
    assert.ok(threads <= THREADS_PER_PROCESS, `${threads} threads`);
  } finally {
    await child.stop();
  }
});

test('a window at the generator ceiling, with widely spread latencies, fits MAX_WINDOW_BYTES', () => {
  const h = newHistogram();
  for (let i = 0; i < MAX_RATE; i++) recordMs(h, 0.05 + ((i * 7919) % 100_000) / 10);
  // Result v2 keeps two histograms per window: successful requests and every request.
  const window: WindowPoint = { t: 86_399, scheduled: MAX_RATE, sent: MAX_RATE, ok: MAX_RATE, errors: 0, timeouts: 0, dropped: 0, failures: {}, p50: 5000.123, p99: 9900.456, max: 10000.05, p50All: 5000.123, p99All: 9900.456, histogram: encodeHistogram(h), histogramAll: encodeHistogram(h) };
  const service = { t: 86_399, arrivals: MAX_RATE * 4, completed: MAX_RATE * 4, expired: 0, inFlight: 5000, queueDepth: 5000 };
  const bytes = JSON.stringify(window).length + JSON.stringify(service).length * 4;
  assert.ok(bytes <= MAX_WINDOW_BYTES, `${bytes} bytes`);
  assert.equal(MAX_RESULT_WINDOWS * MAX_WINDOW_BYTES, 2 ** 28, 'half the longest V8 string');
});

test('processes: the topology must fit this machine’s memory and thread limit', () => {
  assert.deepEqual(maxProcesses(MACHINE).max, Math.floor((24 * 2 ** 30 * 0.75) / PROCESS_RSS_BYTES));
  const big = SCENARIO.replace('      serviceTime: 10ms', '      serviceTime: 10ms\n      replicas: 64');
  assert.deepEqual(problems(big), []);
  const small: MachineFacts = { ...MACHINE, memoryBytes: 4 * 2 ** 30 };
  const found = problems(big, small);
  assert.equal(found.length, 1);
  assert.match(found[0]!, /^4:5 topology\.services: a phase would run 68 processes .* this machine holds at most 48 \(each is a Node process of about 64 MB, and a run may use 75 % of this machine's 4\.0 GiB/);
  const fewThreads: MachineFacts = { ...MACHINE, userThreads: 600 };
  assert.match(problems(big, fewThreads)[0]!, /at most 37 \(each Node process runs about 16 threads and this user may have 600 \(ulimit -u\)/);
});

test('open files bound maxInFlight, pool and maxPending on this machine', () => {
  const machine: MachineFacts = { ...MACHINE, openFiles: 1024 };
  const max = 1024 - FD_RESERVE;
  const yaml = SCENARIO.replace('  duration: 5s', `  duration: 5s\n  maxInFlight: ${max + 1}`).replace('      serviceTime: 10ms', `      serviceTime: 10ms\n      pool: ${max + 1}`) + `mesh: {maxPending: ${max + 1}}\n`;
  const found = problems(yaml, machine);
  assert.deepEqual(found.map((p) => p.split(': ')[0]), ['8:13 topology.services[1].pool', '12:16 load.maxInFlight', '13:20 mesh.maxPending']);
  for (const p of found) assert.match(p, new RegExp(`more sockets than .* may open \\(${max}\\).*ulimit -n`));
  assert.deepEqual(problems(yaml.replaceAll(String(max + 1), String(max)), machine), []);
});
