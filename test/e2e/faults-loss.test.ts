// A partition (100 % loss) of a link injected by the scenario's fault timeline through the
// runner, with nftables: the client's success rate collapses inside the window in both arms
// (the app's and the proxy's timeouts turn the silence into errors), is whole before it, and
// after the run no nftables table of the run is left and the host's own tables are unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import type { RunResult } from '../../src/result/types.ts';
import { arm, faultRecord, nftTables, ofRun, runInline, successRate, windowsInside } from './fixtures/fault-run.ts';
import { checkOnQuietRun } from './fixtures/quiet-run.ts';

const AT_MS = 2000;
const STOP_MS = 4000;

const caps = await detectCapabilities();
const skip = !caps.root ? 'packet loss needs root (nftables)' : !caps.nft.usable ? `nftables unusable: ${caps.nft.problem}` : false;

test('partition frontend->user-service for 2 s: requests fail inside the window, no nft table left', { skip }, async () => {
  const hostTables = (await nftTables())!.filter((t) => !t.includes('meshbench-'));
  // Timing and success rates are judged on a run the hypervisor left alone.
  const result = await checkOnQuietRun(() => runInline(`
name: e2e-fault-partition
seed: 17
repeats: 1
topology:
  entry: frontend
  services:
    - name: frontend
      serviceTime: 1ms
      pool: 1024
      calls:
        - service: user-service
          timeout: 300ms
          retries: 0
    - name: user-service
      replicas: 1
      pool: 64
      serviceTime: 5ms
load:
  rate: 100
  arrival: constant
  warmup: 1s
  duration: 6s
  timeout: 5s
mesh:
  port: 0
  adminPort: 0
  timeout: 300ms
  # Probe an ejected endpoint within half a second, so the meshed arm's recovery after the
  # partition is the network's, not a long breaker backoff's.
  breaker: {backoff: {min: 200ms, max: 500ms}}
faults:
  - kind: partition
    target: frontend->user-service
    at: 2s
    duration: 2s
`), checkPartition);
  for (const name of ['direct', 'meshed'] as const) {
    const record = faultRecord(result, name);
    assert.equal(record.error, null, `${name}: ${record.error}`);
    assert.match(record.mechanism, /^nftables drop all on lo tcp\/\d+ both directions \(table inet meshbench-[a-z0-9]+-\d+\)$/, `${name}: mechanism "${record.mechanism}"`);
    for (const w of arm(result, name).repeats[0]!.windows) {
      assert.ok(w.errors + w.timeouts >= w.scheduled - w.ok - w.dropped, `${name}: failures in t=${w.t} are counted`);
    }
  }
  const after = (await nftTables())!;
  assert.deepEqual(ofRun(after, result.id), [], `no nft table of run ${result.id} left`);
  assert.deepEqual(after.filter((t) => !t.includes('meshbench-')), hostTables, "the host's own nft tables are unchanged");
});

/** On time; requests fail inside the window, succeed before it and after the link is back. */
function checkPartition(result: RunResult): void {
  for (const name of ['direct', 'meshed'] as const) {
    const record = faultRecord(result, name);
    assert.ok(record.actualStartMs !== null && Math.abs(record.actualStartMs - AT_MS) < 300, `${name}: started at ${record.actualStartMs} ms`);
    assert.ok(record.actualStopMs !== null && Math.abs(record.actualStopMs - STOP_MS) < 300, `${name}: stopped at ${record.actualStopMs} ms`);

    const windows = arm(result, name).repeats[0]!.windows;
    for (const w of windows.filter((w) => (w.t + 1) * 1000 <= AT_MS)) {
      assert.equal(w.ok, w.scheduled, `${name}: window t=${w.t} before the partition: ${w.ok}/${w.scheduled} ok`);
    }
    const inside = windowsInside(windows, AT_MS, STOP_MS);
    assert.equal(inside.length, 2);
    // Requests sent before the rule was really in place (its recorded actual start, up to 300 ms
    // late on a busy machine) get through; nearly everything after it times out.
    const lateShare = Math.max(0, record.actualStartMs! - AT_MS) / 1000;
    const first = inside[0]!;
    assert.ok(successRate(first) <= lateShare + 0.05, `${name}: window t=${first.t} success ${first.ok}/${first.scheduled} during the partition (rule in place ${Math.round(lateShare * 1000)} ms into it)`);
    for (const w of inside) assert.ok(successRate(w) <= 0.4, `${name}: window t=${w.t} success ${w.ok}/${w.scheduled} during the partition`);
    const last = windows.at(-1)!;
    assert.ok(successRate(last) >= 0.98, `${name}: last window t=${last.t}: ${last.ok}/${last.scheduled} ok once the link is back`);
  }
}
