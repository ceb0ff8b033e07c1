// CRUD semantics, revisions and durability across reopen, on a real LevelDB in a temp dir.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLevelStore } from './leveldb-store.js';
import { StoreError, type KeyValue } from './store.js';
import { tempDir } from './test-helpers.js';
import { Level } from 'level';
import { eventKey } from './records.js';

const isCode = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;

test('create, get, AlreadyExists; each write bumps the revision by one', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  assert.equal(store.currentRevision(), 0);
  const a = await store.create('/registry/pods/default/a', { kind: 'Pod', n: 1 });
  assert.deepEqual(a, { key: '/registry/pods/default/a', value: { kind: 'Pod', n: 1 }, createRevision: 1, modRevision: 1 });
  assert.equal(store.currentRevision(), 1);
  await assert.rejects(store.create('/registry/pods/default/a', { n: 2 }), isCode('AlreadyExists'));
  assert.equal(store.currentRevision(), 1, 'a failed write does not bump the revision');
  const b = await store.create('/registry/pods/default/b', { n: 3 });
  assert.equal(b.modRevision, 2);
  assert.deepEqual(await store.get('/registry/pods/default/a'), a);
  assert.equal(await store.get('/registry/pods/default/zz'), undefined);
});

test('update: NotFound, Conflict on a stale revision, unconditional and conditional success', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  await assert.rejects(store.update('/k/x', { n: 1 }), isCode('NotFound'));
  const c = await store.create('/k/x', { n: 1 });
  const u1 = await store.update('/k/x', { n: 2 }, c.modRevision);
  assert.equal(u1.createRevision, 1);
  assert.equal(u1.modRevision, 2);
  await assert.rejects(store.update('/k/x', { n: 3 }, c.modRevision), isCode('Conflict'));
  const u2 = await store.update('/k/x', { n: 4 });
  assert.equal(u2.modRevision, 3);
  assert.deepEqual((await store.get('/k/x'))?.value, { n: 4 });
});

test('delete: NotFound, Conflict, returns the last value stamped with the deleting revision', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  await assert.rejects(store.delete('/k/x'), isCode('NotFound'));
  await store.create('/k/x', { n: 1 });
  await assert.rejects(store.delete('/k/x', 7), isCode('Conflict'));
  const d = await store.delete('/k/x', 1);
  assert.deepEqual(d, { key: '/k/x', value: { n: 1 }, createRevision: 1, modRevision: 2 });
  assert.equal(await store.get('/k/x'), undefined);
  assert.equal(store.currentRevision(), 2);
  const again = await store.create('/k/x', { n: 2 });
  assert.equal(again.createRevision, 3, 'a re-created key starts a new life');
});

test('list: sorted, prefix isolation between default/ and default2/, revision of the answer', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  await Promise.all([
    store.create('/registry/pods/default/b', { n: 1 }),
    store.create('/registry/pods/default2/a', { n: 2 }),
    store.create('/registry/pods/default/a', { n: 3 }),
    store.create('/registry/pods/default/sub/c', { n: 4 }),
    store.create('/registry/services/default/a', { n: 5 }),
  ]);
  const l = await store.list('/registry/pods/default/');
  assert.deepEqual(
    l.items.map((i) => i.key),
    ['/registry/pods/default/a', '/registry/pods/default/b', '/registry/pods/default/sub/c'],
  );
  assert.equal(l.revision, 5);
  assert.deepEqual((await store.list('/registry/pods/')).items.length, 4);
  assert.deepEqual((await store.list('/registry/pods/def')).items.length, 4, 'prefixes need not end in /');
  assert.deepEqual((await store.list('/registry/nothing/')).items, []);
  await store.delete('/registry/pods/default/sub/c');
  assert.deepEqual((await store.list('/registry/pods/default/')).items.length, 2);
  assert.equal((await store.list('/registry/')).revision, 6);
});

test('concurrent writes get distinct consecutive revisions in call order', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(`/c/k${i}`, { i })));
  assert.deepEqual(
    results.map((r) => r.modRevision),
    Array.from({ length: 200 }, (_, i) => i + 1),
  );
  assert.equal(store.currentRevision(), 200);
  assert.equal((await store.list('/c/')).items.length, 200);
});

test('a queued update sees the queued create; conflicting concurrent updates: exactly one wins', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  const created = store.create('/q/x', { n: 0 });
  const updated = store.update('/q/x', { n: 1 }, 1); // create is not durable yet, but revision 1 is assigned
  assert.equal((await created).modRevision, 1);
  assert.equal((await updated).modRevision, 2);
  const outcomes = await Promise.allSettled([store.update('/q/x', { n: 2 }, 2), store.update('/q/x', { n: 3 }, 2)]);
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
  assert.ok(outcomes.some((o) => o.status === 'rejected' && isCode('Conflict')(o.reason)));
});

test('guaranteedUpdate retries on conflict: 30 concurrent async increments all land', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  const incr = () =>
    store.guaranteedUpdate('/g/counter', async (cur) => {
      await new Promise((r) => setImmediate(r)); // widen the race window
      return { n: ((cur?.value.n as number | undefined) ?? 0) + 1 };
    });
  const results = await Promise.all(Array.from({ length: 30 }, incr));
  assert.equal((await store.get('/g/counter'))?.value.n, 30);
  assert.equal(new Set(results.map((r) => r?.modRevision)).size, 30);
  // Returning undefined leaves the key alone and answers with the current value.
  const before = store.currentRevision();
  const same = await store.guaranteedUpdate('/g/counter', () => undefined);
  assert.equal(same?.value.n, 30);
  assert.equal(store.currentRevision(), before);
  assert.equal(await store.guaranteedUpdate('/g/absent', () => undefined), undefined);
});

test('values are isolated: frozen on the way out, copied on the way in', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  const mine = { metadata: { name: 'a', labels: { x: '1' } } };
  await store.create('/v/a', mine);
  mine.metadata.labels.x = 'changed by caller';
  const got = (await store.get('/v/a')) as KeyValue;
  assert.deepEqual(got.value, { metadata: { name: 'a', labels: { x: '1' } } });
  assert.throws(() => {
    (got.value.metadata as { name: string }).name = 'b';
  }, TypeError);
  await assert.rejects(store.create('/v/b', [] as unknown as Record<string, unknown>), TypeError);
});

test('data, revisions and createRevision survive reopen; revisions keep increasing', async (t) => {
  const dir = tempDir(t);
  let store = await openLevelStore(dir);
  await store.create('/r/a', { n: 1 });
  await store.create('/r/b', { n: 2 });
  await store.update('/r/a', { n: 3 });
  await store.delete('/r/b');
  await store.close();
  store = await openLevelStore(dir);
  t.after(() => store.close());
  assert.equal(store.currentRevision(), 4);
  assert.deepEqual(await store.get('/r/a'), { key: '/r/a', value: { n: 3 }, createRevision: 1, modRevision: 3 });
  assert.equal(await store.get('/r/b'), undefined);
  const c = await store.create('/r/c', { n: 4 });
  assert.equal(c.modRevision, 5);
});

test('close flushes queued writes; afterwards every call fails with Closed', async (t) => {
  const dir = tempDir(t);
  let store = await openLevelStore(dir);
  const writes = Array.from({ length: 50 }, (_, i) => store.create(`/f/k${i}`, { i }));
  await store.close();
  assert.equal((await Promise.all(writes)).length, 50);
  await assert.rejects(store.create('/f/late', {}), isCode('Closed'));
  await assert.rejects(store.get('/f/k1'), isCode('Closed'));
  assert.throws(() => store.watch('/f/', { fromRevision: 0, onEvent: () => {} }), isCode('Closed'));
  store = await openLevelStore(dir);
  t.after(() => store.close());
  assert.equal((await store.list('/f/')).items.length, 50);
});

test('open refuses a store whose event history has a gap', async (t) => {
  const dir = tempDir(t);
  const store = await openLevelStore(dir);
  for (let i = 0; i < 5; i++) await store.create(`/gap/k${i}`, { i });
  await store.close();
  const raw = new Level<string, string>(dir, { valueEncoding: 'utf8' });
  await raw.del(eventKey(3)); // opens on first use
  await raw.close();
  await assert.rejects(openLevelStore(dir), /corrupt: event history jumps from 2 to 4/);
  // A window that starts after the gap is fine: the gap lies in compacted history.
  const reopened = await openLevelStore(dir, { historyLimit: 2 });
  t.after(() => reopened.close());
  assert.equal(reopened.compactedRevision(), 3);
  assert.equal((await reopened.list('/gap/')).items.length, 5);
});
