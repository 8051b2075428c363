import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Teardown } from '../../src/runtime/teardown.ts';

test('steps run newest first, and a failing step does not stop the others', async () => {
  const t = new Teardown();
  const order: string[] = [];
  t.add('process', async () => void order.push('process'));
  t.add('table', async () => {
    order.push('table');
    throw new Error('nft: busy');
  });
  t.add('toxic', async () => void order.push('toxic'));
  assert.deepEqual(await t.run(), ['table: nft: busy']);
  assert.deepEqual(order, ['toxic', 'table', 'process']);
  assert.equal(t.size, 0);
});

test('a second run while one is in progress (Ctrl-C during cleanup) shares it: no step runs beside another', async () => {
  const t = new Teardown();
  const events: string[] = [];
  let proxiesNeedServer = false;
  t.add('toxiproxy server', async () => {
    events.push(proxiesNeedServer ? 'server stopped while proxies were being removed' : 'server stopped');
  });
  t.add('link proxies', async () => {
    proxiesNeedServer = true;
    await new Promise((r) => setTimeout(r, 20));
    proxiesNeedServer = false;
    events.push('proxies removed');
  });
  const [a, b] = await Promise.all([t.run(), t.run()]);
  assert.deepEqual(events, ['proxies removed', 'server stopped']);
  assert.deepEqual(a, []);
  assert.deepEqual(b, []);
});

test('the function add returns runs just that step, once', async () => {
  const t = new Teardown();
  let runs = 0;
  const undo = t.add('replica', async () => void runs++);
  t.add('other', async () => {});
  await undo();
  await undo();
  assert.equal(runs, 1);
  assert.equal(t.size, 1);
});
