// A run states whether its comparisons can be trusted: each check is tested by breaking exactly
// the thing it looks at in an otherwise valid result and re-running the (pure) analysis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/analysis/analyze.ts';
import type { ArmResult, RunResult, ValidityCheck } from '../../src/result/types.ts';
import { encodeHistogram, newHistogram, recordMs, summarizeMs } from '../../src/stats/histogram.ts';
import { buildRunResult } from '../fixtures/run-result.ts';

const valid = buildRunResult();

function reason(result: RunResult, check: ValidityCheck['check']): ValidityCheck | undefined {
  return result.validity.reasons.find((r) => r.check === check);
}

/** A repeat whose successful requests all take `ms` longer: its windows are rebuilt around p50 and p99 + ms. */
function shifted(arm: ArmResult, repeat: number, ms: number): ArmResult {
  const rebuild = (w: ArmResult['repeats'][number]['windows'][number]) => {
    const h = newHistogram();
    for (let i = 0; i < w.ok; i++) recordMs(h, (i % 100 === 99 ? w.p99! : w.p50!) + ms);
    const s = summarizeMs(h);
    return { ...w, histogram: encodeHistogram(h), p50: s.p50, p99: s.p99 };
  };
  return { ...arm, repeats: arm.repeats.map((r) => (r.index !== repeat ? r : { ...r, windows: r.windows.map((w) => (w.ok > 0 ? rebuild(w) : w)) })) };
}

test('the fixture itself is valid: every check passes', () => {
  assert.equal(valid.validity.status, 'valid', JSON.stringify(valid.validity.reasons));
  assert.deepEqual(
    [...new Set(valid.validity.checks.map((c) => c.check))].sort(),
    ['concurrent-run', 'faults-applied', 'floor', 'hypervisor-steal', 'load-average', 'measured', 'repeats-disagree', 'transient', 'warmup'],
  );
});

test('a generator floor raised above the effect (a CPU hog beside it) makes the comparison inconclusive, naming the floor', () => {
  const late = { count: 1000, mean: 30, p50: 2, p90: 60, p99: 379, p999: 500, max: 600 };
  const run = analyze({ ...valid, arms: valid.arms.map((a) => ({ ...a, sendLatenessMs: late })) });
  assert.equal(run.validity.status, 'inconclusive');
  const floor = run.validity.reasons.filter((r) => r.check === 'floor');
  assert.ok(floor.some((r) => r.scope === 'latency-difference' && /p99 cost \(\+[\d.]+ ms\) is not larger than the floor \(send lateness p99 379 ms\)/.test(r.message)), JSON.stringify(floor));
  assert.ok(floor.some((r) => r.scope === 'latency' && /sent up to 379 ms late/.test(r.message)), 'and the floor is as large as the latency itself');
  assert.equal(run.steadyState!.cost!.p99.measurable, false);
  assert.match(run.verdict[0]!, /p99: not measurable — below the floor/);
  assert.match(run.verdict.at(-1)!, /^Validity: inconclusive \(floor\) — see the reasons before acting on the numbers above\.$/);
});

test('repeats that disagree beyond their intervals are flagged; one repeat says it was not checked', () => {
  // Meshed repeat 2 costs 40 ms more than repeat 1 in every steady window: the machine drifted.
  const meshed = shifted(valid.arms[1]!, 1, 40);
  const run = analyze({ ...valid, arms: [valid.arms[0]!, meshed] });
  const r = reason(run, 'repeats-disagree');
  assert.ok(r, JSON.stringify(run.validity.reasons));
  assert.equal(r.scope, 'latency-difference');
  assert.match(r.message, /the repeats disagree on the mesh's steady-state p99 cost beyond their own intervals: repeat 1 \+0\.\d+ ms \(.*\), repeat 2 \+(3[89]|4[01])\.?\d* ms/);
  const one = analyze({ ...valid, arms: valid.arms.map((a) => ({ ...a, repeats: a.repeats.slice(0, 1) })) });
  const skipped = one.validity.checks.find((c) => c.check === 'repeats-disagree')!;
  assert.equal(skipped.status, 'skipped');
  assert.match(skipped.message, /not checked \(set repeats: 2 or more\)/);
});

test('repeats that disagree on recovery are flagged for recovery gates', () => {
  const direct = valid.arms[0]!;
  // Repeat 2 of direct recovers: its windows after the lock look like before it.
  const healthy = direct.repeats[1]!.windows.slice(0, 3);
  const recovering = { ...direct, repeats: [direct.repeats[0]!, { ...direct.repeats[1]!, windows: direct.repeats[1]!.windows.map((w) => (w.t >= 6 ? { ...healthy[w.t % 3]!, t: w.t } : w)) }] };
  const run = analyze({ ...valid, arms: [recovering, valid.arms[1]!] });
  const r = run.validity.reasons.find((x) => x.check === 'repeats-disagree' && x.scope === 'recovery');
  assert.match(r?.message ?? '', /direct recovered from "db-lock user-service" in 1 of 2 repeats/);
});

test('a busy machine, a VM losing its CPUs to the hypervisor, another meshbench run, a fault not applied, an unsettled warmup, a start-up transient', () => {
  const busy = analyze({ ...valid, host: { ...valid.host, loadAverageBefore: [4.3, 2.6, 1.1] } });
  assert.match(reason(busy, 'load-average')!.message, /load average 4\.30 before .* on 2 CPUs/);
  // The VM lost 12 % of its CPU time to the hypervisor's other guests: its load average hides it.
  const stolen = analyze({ ...valid, host: { ...valid.host, hypervisorSteal: 0.12 } });
  assert.equal(stolen.validity.status, 'inconclusive');
  assert.match(reason(stolen, 'hypervisor-steal')!.message, /the hypervisor gave 12\.0 % of this VM's CPU time to other guests during the run \(quiet is below 5 %\)/);
  assert.equal(reason(analyze({ ...valid, host: { ...valid.host, hypervisorSteal: 0.04 } }), 'hypervisor-steal'), undefined, '4 % is within what a quiet VM sees');
  const older = analyze({ ...valid, host: { ...valid.host, hypervisorSteal: undefined } });
  assert.equal(older.validity.checks.find((c) => c.check === 'hypervisor-steal')!.status, 'skipped', 'a result from before it was recorded says so');
  const shared = analyze({ ...valid, host: { ...valid.host, otherRunsAfter: ['kso7yd1p'] } });
  assert.match(reason(shared, 'concurrent-run')!.message, /another meshbench run was active on this machine \(live ledgers: kso7yd1p\)/);
  const unapplied = analyze({ ...valid, faults: valid.faults.map((f, i) => (i === 0 ? { ...f, actualStartMs: null, actualStopMs: null, error: 'nft: permission denied' } : f)) });
  assert.equal(unapplied.validity.status, 'invalid');
  assert.match(reason(unapplied, 'faults-applied')!.message, /"db-lock user-service" in direct repeat 1 \(nft: permission denied\)/);
  const unsettled = analyze({ ...valid, arms: valid.arms.map((a) => ({ ...a, repeats: a.repeats.map((r) => ({ ...r, warmup: { ...r.warmup!, endedBy: 'max' as const } })) })) });
  assert.match(reason(unsettled, 'warmup')!.message, /did not settle within load.warmupMax \(10 s\) in direct repeat 1/);
  // A 600 ms first second in an otherwise 12 ms steady state: what the warmup failed to cover.
  const meshed = valid.arms[1]!;
  const first = meshed.repeats[0]!.windows[0]!;
  const h = newHistogram();
  for (let i = 0; i < 800; i++) recordMs(h, i < 20 ? 605 : 12);
  const cold = { ...first, histogram: encodeHistogram(h), p99: summarizeMs(h).p99 };
  const transient = analyze({ ...valid, arms: [valid.arms[0]!, { ...meshed, repeats: [{ ...meshed.repeats[0]!, windows: [cold, ...meshed.repeats[0]!.windows.slice(1)] }, meshed.repeats[1]!] }] });
  assert.match(reason(transient, 'transient')?.message ?? JSON.stringify(transient.validity.checks), /meshed repeat 1: first second p99 60\d ms vs median 1\d\.\d ms/);
});
