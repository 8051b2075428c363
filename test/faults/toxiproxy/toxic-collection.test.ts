// The toxic chain as plain state: order, names, updates in place, and change notification —
// no sockets, no timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../src/faults/toxiproxy/api-error.ts';
import { ToxicCollection } from '../../../src/faults/toxiproxy/toxic-collection.ts';

const status = (fn: () => unknown): number | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof ApiError ? err.status : -1;
  }
};

test('each direction keeps insertion order; an update keeps the position', () => {
  const toxics = new ToxicCollection();
  toxics.add({ name: 'a', type: 'latency', attributes: { latency: 5 } });
  toxics.add({ name: 'b', type: 'bandwidth', stream: 'upstream', attributes: { rate: 10 } });
  toxics.add({ name: 'c', type: 'slicer', attributes: { average_size: 10, size_variation: 2, delay: 0 } });
  assert.deepEqual(toxics.chain('downstream').map((t) => t.name), ['a', 'c']);
  assert.deepEqual(toxics.list().map((t) => t.name), ['b', 'a', 'c']);

  const before = toxics.get('a');
  const updated = toxics.update('a', { attributes: { jitter: 3 }, toxicity: 0.25 });
  assert.notEqual(updated, before, 'a new record, so live links see the change');
  assert.deepEqual(updated.attributes, { latency: 5, jitter: 3 });
  assert.equal(updated.toxicity, 0.25);
  assert.deepEqual(toxics.chain('downstream').map((t) => t.name), ['a', 'c']);
});

test('409 for a duplicate name in any direction, 404 for unknown names', () => {
  const toxics = new ToxicCollection();
  toxics.add({ name: 'x', type: 'timeout', stream: 'upstream' });
  assert.equal(status(() => toxics.add({ name: 'x', type: 'latency', stream: 'downstream' })), 409);
  assert.equal(status(() => toxics.get('y')), 404);
  assert.equal(status(() => toxics.update('y', {})), 404);
  assert.equal(status(() => toxics.remove('y')), 404);
});

test('400 for bad toxics, with Toxiproxy defaults otherwise', () => {
  const toxics = new ToxicCollection();
  for (const bad of [null, [], { type: 'nope' }, { type: 'latency', stream: 'both' }, { type: 'latency', name: 3 }, { type: 'limit_data', attributes: { bytes: 'many' } }]) {
    assert.equal(status(() => toxics.add(bad)), 400, JSON.stringify(bad));
  }
  const t = toxics.add({ type: 'reset_peer', stream: 'upstream' });
  assert.deepEqual(
    { name: t.name, toxicity: t.toxicity, attributes: t.attributes },
    { name: 'reset_peer_upstream', toxicity: 1, attributes: { timeout: 0 } },
  );
  assert.deepEqual(toxics.add({ type: 'latency', attributes: { latency: 1, color: 'red' } }).attributes, { latency: 1, jitter: 0 }, 'unknown attributes are ignored');
});

test('listeners hear every change, until they unsubscribe', () => {
  const toxics = new ToxicCollection();
  let heard = 0;
  const unsubscribe = toxics.onChange(() => heard++);
  toxics.add({ name: 'a', type: 'latency' });
  toxics.update('a', { attributes: { latency: 2 } });
  toxics.remove('a');
  toxics.add({ name: 'b', type: 'latency' });
  toxics.clear();
  toxics.clear();
  assert.equal(heard, 5, 'clearing an empty chain is not a change');
  unsubscribe();
  toxics.add({ name: 'c', type: 'latency' });
  assert.equal(heard, 5);
});
