import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './workqueue.js';

test('a key added many times while queued is processed once', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('a');
  q.add('b');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
});

test('a key added while processing is processed again afterwards, never concurrently', async () => {
  const q = new WorkQueue();
  q.add('a');
  const k = await q.get();
  q.add('a');
  assert.equal(q.length, 0, 'not queued while in flight');
  q.done(k as string);
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
});

test('rate-limited requeue backs off and forget resets', async () => {
  const q = new WorkQueue({ baseDelayMs: 20 });
  const keepAlive = setTimeout(() => {}, 5_000); // the queue's timers are unref'd
  q.addRateLimited('x');
  assert.equal(q.length, 0, 'delayed, not immediate');
  const t0 = Date.now();
  assert.equal(await q.get(), 'x');
  assert.ok(Date.now() - t0 >= 15);
  q.done('x');
  q.forget('x');
  q.shutdown();
  clearTimeout(keepAlive);
  assert.equal(await q.get(), undefined);
});
