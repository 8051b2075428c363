// SLOs come from the command line, typed by hand: they are parsed by the gate grammar (same
// errors, same columns), must be upper limits a step can measure, and errors always count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMeshbenchError } from '../../src/core/errors.ts';
import { GateSyntaxError } from '../../src/gate/grammar.ts';
import { brokenSlos, IMPLICIT_ERROR_SLO, latencyLimitMs, parseSlos, type StepMetrics } from '../../src/capacity/slo.ts';

test('an SLO reduces to a metric and a limit; without an errorRate SLO errors still count', () => {
  const slos = parseSlos(['p99 < 50ms', '200ms >= p999'], 'direct');
  assert.deepEqual(slos, [
    { text: 'p99 < 50ms', metric: 'p99', limit: 50, inclusive: false, implicit: false },
    { text: '200ms >= p999', metric: 'p999', limit: 200, inclusive: true, implicit: false },
    IMPLICIT_ERROR_SLO,
  ]);
  assert.deepEqual(parseSlos(['p99 < 0.05s', 'errorRate < 0.1%'], 'meshed').map((s) => [s.metric, s.limit]), [
    ['p99', 50],
    ['errorRate', 0.001],
  ]);
  assert.equal(latencyLimitMs(slos), 200);
  assert.equal(latencyLimitMs([IMPLICIT_ERROR_SLO]), null);
});

test('a step breaks exactly the SLOs whose limit it passes', () => {
  const slos = parseSlos(['p99 < 50ms', 'errorRate <= 1%'], 'direct');
  const m: StepMetrics = { p50: 10, p90: 20, p99: 49.9, p999: 80, max: 90, mean: 12, errorRate: 0.01, timeoutRate: 0 };
  assert.deepEqual(brokenSlos(slos, m), []);
  assert.deepEqual(brokenSlos(slos, { ...m, p99: 50, errorRate: 0.0101 }).map((s) => s.text), ['p99 < 50ms', 'errorRate <= 1%']);
});

test('mistakes get the gate grammar’s errors: column, caret and hint', () => {
  const error = (text: string): GateSyntaxError => {
    try {
      parseSlos([text], 'direct');
    } catch (err) {
      assert.ok(err instanceof GateSyntaxError, `${text}: ${String(err)}`);
      return err;
    }
    assert.fail(`${text} was accepted`);
  };
  const noUnit = error('p99 < 50');
  assert.match(noUnit.message, /^SLO "p99 < 50": cannot compare a time with a plain number at column 7/);
  assert.match(noUnit.hint, /50ms/);
  assert.equal(noUnit.exitCode, 2);
  assert.match(error('meshed.p99 < 50ms').message, /names no arm or baseline \("meshed"\) at column 1/);
  assert.match(error('p99 < 50ms && p50 < 10ms').message, /unexpected "&"/);
  const unmeasured = error('amplification < 2');
  assert.match(unmeasured.message, /"amplification" is not measured here/);
  assert.match(unmeasured.hint, /p50, p90, p99, p999, max, mean, errorRate, timeoutRate/);
  assert.match(error('p99 regresses < 10%').message, /an SLO has no baseline/);
  assert.match(error('p99s < 5ms').message, /unknown metric "p99s"/);
});

test('an SLO must be an upper limit on one metric', () => {
  for (const [text, pattern] of [
    ['p99 > 10ms', /bounds p99 from below/],
    ['p99 - p50 < 10ms', /must compare a single metric with a limit/],
    ['2 * p99 < 100ms', /must compare a single metric with a limit/],
  ] as const) {
    assert.throws(() => parseSlos([text], 'direct'), (err) => isMeshbenchError(err) && err.code === 'E_SLO_SHAPE' && pattern.test(err.message), text);
  }
  assert.throws(() => parseSlos([], 'direct'), (err) => isMeshbenchError(err) && err.code === 'E_SLO_MISSING');
});
