import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadlineFor, remainingHeader } from '../../proxy/src/timeout/deadline.ts';

test('the deadline is the earlier of the route timeout and the incoming one', () => {
  assert.equal(deadlineFor(1000, 200, undefined), 1200);
  assert.equal(deadlineFor(1000, 200, '50.5'), 1050.5);
  assert.equal(deadlineFor(1000, 200, '500'), 1200);
  assert.equal(deadlineFor(1000, null, '75'), 1075);
  assert.equal(deadlineFor(1000, null, undefined), null);
});

test('a malformed incoming deadline is ignored, a negative one is already over', () => {
  assert.equal(deadlineFor(1000, 200, 'soon'), 1200);
  assert.equal(deadlineFor(1000, null, ''), null);
  assert.equal(deadlineFor(1000, null, '-5'), 1000);
});

test('the propagated header is the remaining time, never negative', () => {
  assert.equal(remainingHeader(1200, 1000), '200.0');
  assert.equal(remainingHeader(1000, 1200), '0.0');
});
