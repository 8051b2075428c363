// Steps follow each other without waiting for a generator to load, and no generator outlives
// the sweep: the supply hands out ready workers, starts the next only when asked (between
// measurements), and every process it started is stopped through the teardown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadgenSupply } from '../../src/capacity/loadgen-supply.ts';
import { Teardown } from '../../src/runtime/teardown.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('take() hands out a ready generator; prepare() starts the next; close() and the teardown stop them all', { timeout: 60_000 }, async () => {
  const teardown = new Teardown();
  const supply = new LoadgenSupply(teardown);
  const first = await supply.take();
  assert.equal(teardown.size, 1, 'only what was asked for runs: no spare yet');
  supply.prepare();
  supply.prepare();
  assert.equal(teardown.size, 2, 'one spare, however often prepare is called');
  const second = await supply.take();
  assert.notEqual(second.loadgen.pid, first.loadgen.pid);
  await first.stop();
  assert.equal(alive(first.loadgen.pid), false);
  supply.prepare();
  await supply.close();
  assert.equal(teardown.size, 1, 'closing stops the spare');
  await teardown.run();
  assert.equal(alive(second.loadgen.pid), false, 'the teardown stops a generator in use');
});
