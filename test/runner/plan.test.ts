import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calleesFirst } from '../../src/scenario/call-order.ts';
import { planPhases } from '../../src/runner/plan.ts';

test('arms alternate within each repeat: A B A B', () => {
  assert.deepEqual(
    planPhases(['direct', 'meshed'], 2).map((p) => `${p.arm}${p.repeat}`),
    ['direct0', 'meshed0', 'direct1', 'meshed1'],
  );
});

test('callees start before their callers', () => {
  const order = calleesFirst([
    { name: 'frontend', calls: [{ service: 'users' }, { service: 'orders' }] },
    { name: 'orders', calls: [{ service: 'users' }] },
    { name: 'users', calls: [] },
  ]).map((s) => s.name);
  assert.deepEqual(order, ['users', 'orders', 'frontend']);
});

test('a call cycle is reported, not looped on', () => {
  assert.throws(
    () => calleesFirst([{ name: 'a', calls: [{ service: 'b' }] }, { name: 'b', calls: [{ service: 'a' }] }]),
    /call cycle: a -> b -> a/,
  );
});
