// handOver: a value given away is kept (frozen) instead of copied; anything that is not plain JSON
// is still copied, so what the store serves always equals what it wrote to disk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openLevelStore } from './leveldb-store.js';
import { handOver } from './store.js';
import { tempDir } from './test-helpers.js';

test('a handed-over plain value is kept frozen; others are copied', async (t) => {
  const dir = join(tempDir(t), 'db');
  const store = await openLevelStore(dir);
  t.after(() => store.close());

  const mine = { spec: { list: [1, 'a', { deep: true }] }, n: null };
  const kept = await store.create('/k/mine', handOver(mine));
  assert.equal(kept.value, mine, 'the very object is kept');
  assert.ok(Object.isFrozen(mine) && Object.isFrozen(mine.spec.list[2] as object), 'deeply frozen');
  assert.throws(() => {
    (mine.spec as Record<string, unknown>).x = 1;
  }, TypeError);

  // Not handed over: copied, the caller's object stays its own.
  const own = { a: { b: 1 } };
  const copied = await store.create('/k/own', own);
  assert.notEqual(copied.value, own);
  own.a.b = 2;
  assert.deepEqual((await store.get('/k/own'))!.value, { a: { b: 1 } });

  // Handed over but not plain JSON (undefined, -0, a Date): the served value is the JSON copy.
  const odd = { u: undefined, z: -0, d: new Date(0), arr: [1, , 3] };
  const stored = await store.create('/k/odd', handOver(odd as unknown as Record<string, unknown>));
  assert.notEqual(stored.value, odd);
  assert.deepEqual(stored.value, { z: 0, d: '1970-01-01T00:00:00.000Z', arr: [1, null, 3] });
  assert.ok(Object.isFrozen(stored.value));

  // After a reopen the same values come back from disk.
  await store.close();
  const again = await openLevelStore(dir);
  t.after(() => again.close());
  assert.deepEqual((await again.get('/k/mine'))!.value, { spec: { list: [1, 'a', { deep: true }] }, n: null });
  assert.deepEqual((await again.get('/k/odd'))!.value, stored.value);
});
