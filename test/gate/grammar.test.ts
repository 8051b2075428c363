import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GateSyntaxError, parseGate, parseGates, referencesBaseline } from '../../src/gate/grammar.ts';
import { ExitCode, isMeshbenchError } from '../../src/core/errors.ts';

const meshedP99 = { kind: 'metric', ref: { source: 'current', arm: 'meshed', metric: 'p99' } };

test('absolute thresholds convert units: ms and s to milliseconds, % to a fraction', () => {
  assert.deepEqual(parseGate('meshed.p99 < 25ms'), { kind: 'compare', text: 'meshed.p99 < 25ms', left: meshedP99, op: '<', right: { kind: 'number', value: 25, dimension: 'time' } });
  const s = parseGate('meshed.recovery <= 2s');
  assert.equal(s.kind === 'compare' && s.right.kind === 'number' && s.right.value, 2000);
  assert.equal(s.kind === 'compare' && s.left.kind === 'metric' && s.left.ref.metric, 'recoveryS');
  const pct = parseGate('meshed.errorRate < 1%');
  assert.equal(pct.kind === 'compare' && pct.right.kind === 'number' && pct.right.value, 0.01);
  const rps = parseGate('meshed.achievedRps >= 780');
  assert.equal(rps.kind === 'compare' && rps.op, '>=');
  assert.equal(parseGate('direct.p50 <= 12ms').kind, 'compare');
  assert.equal(parseGate('meshed.amplification < 1.5').kind, 'compare');
});

test('relative gates between arms and against a baseline', () => {
  const ratio = parseGate('meshed.p99 / direct.p99 < 1.3');
  assert.ok(ratio.kind === 'compare' && ratio.left.kind === 'binary' && ratio.left.op === '/');
  const diff = parseGate('meshed.p99 - direct.p99 < 2ms');
  assert.ok(diff.kind === 'compare' && diff.left.kind === 'binary' && diff.left.op === '-');
  const base = parseGate('meshed.p99 <= baseline.meshed.p99 * 1.10');
  assert.ok(base.kind === 'compare' && base.right.kind === 'binary' && base.right.left.kind === 'metric');
  assert.equal(base.kind === 'compare' && base.right.kind === 'binary' && base.right.left.kind === 'metric' && base.right.left.ref.source, 'baseline');
  assert.equal(referencesBaseline(base), true);
  assert.equal(referencesBaseline(ratio), false);
});

test('outcomes and the regression sugar', () => {
  assert.deepEqual(parseGate('meshed.recovered'), { kind: 'outcome', text: 'meshed.recovered', arm: 'meshed', expectRecovered: true });
  assert.deepEqual(parseGate(' !direct.recovered '), { kind: 'outcome', text: '!direct.recovered', arm: 'direct', expectRecovered: false });
  const r = parseGate('meshed.p99 regresses < 10%');
  assert.deepEqual(r, { kind: 'regression', text: 'meshed.p99 regresses < 10%', ref: { source: 'current', arm: 'meshed', metric: 'p99' }, direction: 'higher-is-worse', op: '<', limit: 0.1 });
  assert.equal(referencesBaseline(r), true);
  const rps = parseGate('meshed.achievedRps regresses <= 5%');
  assert.equal(rps.kind === 'regression' && rps.direction, 'lower-is-worse');
});

function syntaxError(text: string): GateSyntaxError {
  try {
    parseGate(text);
  } catch (err) {
    assert.ok(err instanceof GateSyntaxError, `expected a GateSyntaxError for ${text}`);
    assert.equal(err.exitCode, ExitCode.badInput);
    assert.match(err.message, new RegExp(`at column ${err.column}\\b`));
    assert.ok(err.hint.length > 0);
    return err;
  }
  assert.fail(`"${text}" parsed but should not`);
}

test('errors name the column and give a hint', () => {
  const unitless = syntaxError('meshed.p99 < 25');
  assert.equal(unitless.column, 14);
  assert.match(unitless.hint, /25ms/);
  const metric = syntaxError('meshed.p95 < 25ms');
  assert.equal(metric.column, 8);
  assert.match(metric.message, /unknown metric "p95"/);
  assert.match(metric.hint, /p99/);
  const arm = syntaxError('mesh.p99 < 25ms');
  assert.equal(arm.column, 1);
  assert.match(arm.hint, /direct, meshed/);
  const equals = syntaxError('meshed.p99 = 25ms');
  assert.equal(equals.column, 12);
  assert.match(equals.hint, /<=/);
  assert.equal(syntaxError('meshed.p99 < 25qs').column, 16);
  assert.equal(syntaxError('meshed.p99 < 25ms and more').column, 19);
  assert.equal(syntaxError('meshed.p99 * direct.p99 < 5ms').column, 12);
  assert.match(syntaxError('meshed.errorRate regresses < 10%').hint, /baseline\.meshed\.errorRate/);
  assert.match(syntaxError('meshed.p99 regresses < 10').message, /percentage/);
  assert.match(syntaxError('meshed.recovered < 1').hint, /stands alone/);
  assert.match(syntaxError('2ms < 3ms').message, /no metric/);
  assert.match(syntaxError('(meshed.p99 < 2ms').message, /expected "\)"/);
  // The message shows the expression with a caret under the column.
  assert.match(unitless.message, /\n {4}meshed\.p99 < 25\n {4} {13}\^/);
});

test('parseGates reports every bad gate at once', () => {
  assert.equal(parseGates(['meshed.p99 < 25ms', 'meshed.recovered']).length, 2);
  assert.throws(
    () => parseGates(['meshed.p99 < 25ms', 'meshed.p95 < 1ms', 'mesh.p99 < 1ms']),
    (err) => isMeshbenchError(err) && err.code === 'gate-syntax' && /2 gates do not parse/.test(err.message) && /p95/.test(err.message) && /"mesh"/.test(err.message),
  );
});
