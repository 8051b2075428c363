// Durations are written with units; these are the forms a scenario author may use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../src/scenario/duration.ts';

test('durations with units become milliseconds', () => {
  assert.equal(parseDuration('10ms'), 10);
  assert.equal(parseDuration('1.5s'), 1_500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('500us'), 0.5);
  assert.equal(parseDuration('.5s'), 500);
  assert.equal(parseDuration('0ms'), 0);
});

test('text without a unit, with an unknown unit or a sign is not a duration', () => {
  for (const text of ['', '10', '10 sec', '-1s', '1d', 'ms', '1s2', 's10']) assert.equal(parseDuration(text), null, text);
});
