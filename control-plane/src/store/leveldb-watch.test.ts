// Watch semantics on a real LevelDB: replay, live events, order, prefixes, history across
// reopen, compaction and Gone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLevelStore } from './leveldb-store.js';
import { StoreError } from './store.js';
import { collect, revisions, tempDir } from './test-helpers.js';

const isGone = (e: unknown) => e instanceof StoreError && e.code === 'Gone';

test('replays history after fromRevision, then live events; types and prev', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  await store.create('/w/a', { n: 1 }); // 1
  await store.update('/w/a', { n: 2 }); // 2
  await store.create('/w/b', { n: 3 }); // 3
  const c = collect(store, '/w/', 1);
  t.after(() => c.watch.close());
  await store.delete('/w/a'); // 4
  const ev = await c.waitFor(3);
  assert.deepEqual(revisions(ev), [2, 3, 4]);
  assert.deepEqual(
    ev.map((e) => e.type),
    ['MODIFIED', 'ADDED', 'DELETED'],
  );
  assert.deepEqual(ev[0].prev, { key: '/w/a', value: { n: 1 }, createRevision: 1, modRevision: 1 });
  assert.deepEqual(ev[0].kv.value, { n: 2 });
  assert.equal(ev[1].prev, undefined);
  assert.deepEqual(ev[2].kv, { key: '/w/a', value: { n: 2 }, createRevision: 1, modRevision: 4 });
  assert.deepEqual(ev[2].prev, { key: '/w/a', value: { n: 2 }, createRevision: 1, modRevision: 2 });
});

test('fromRevision 0 means from now: nothing older is delivered', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  await store.create('/w/old', {});
  const c = collect(store, '/w/', 0);
  t.after(() => c.watch.close());
  await store.create('/w/new', {});
  const ev = await c.waitFor(1);
  assert.deepEqual(
    ev.map((e) => e.kv.key),
    ['/w/new'],
  );
});

test('an event is delivered only once its write is durable and visible to reads', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  const seen: boolean[] = [];
  let acked = 0;
  const w = store.watch('/d/', {
    fromRevision: 0,
    onEvent: (e) => seen.push(acked >= e.kv.modRevision && store.currentRevision() >= e.kv.modRevision),
  });
  t.after(() => w.close());
  await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      store.create(`/d/k${i}`, { i }).then((kv) => {
        acked = Math.max(acked, kv.modRevision);
      }),
    ),
  );
  while (seen.length < 100) await new Promise((r) => setImmediate(r));
  assert.ok(seen.every(Boolean), 'every event arrived after its write was acknowledged');
});

test('order under concurrent writes: every revision exactly once, ascending', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  const c = collect(store, '/o/', 0);
  t.after(() => c.watch.close());
  const writers = Array.from({ length: 16 }, async (_, w) => {
    for (let i = 0; i < 20; i++) {
      const key = `/o/w${w}/k${i % 5}`;
      await store.guaranteedUpdate(key, (cur) => ({ n: ((cur?.value.n as number) ?? 0) + 1 }));
      if (i % 7 === 6) await store.delete(key);
    }
  });
  await Promise.all(writers);
  const total = store.currentRevision();
  const ev = await c.waitFor(total);
  assert.deepEqual(
    revisions(ev),
    Array.from({ length: total }, (_, i) => i + 1),
  );
  // Replaying the events reproduces the store's current content.
  const state = new Map<string, unknown>();
  for (const e of ev) {
    if (e.type === 'DELETED') state.delete(e.kv.key);
    else state.set(e.kv.key, e.kv.value);
  }
  const listed = await store.list('/o/');
  assert.deepEqual(new Map(listed.items.map((i) => [i.key, i.value])), state);
});

test('prefix isolation: default/ does not see default2/', async (t) => {
  const store = await openLevelStore(tempDir(t));
  t.after(() => store.close());
  const c = collect(store, '/registry/pods/default/', 0);
  t.after(() => c.watch.close());
  await store.create('/registry/pods/default2/x', {});
  await store.create('/registry/pods/defaul', {});
  await store.create('/registry/pods/default/y', {});
  const ev = await c.waitFor(1);
  await store.create('/registry/pods/default/z', {});
  await c.waitFor(2);
  assert.deepEqual(
    ev.map((e) => e.kv.key),
    ['/registry/pods/default/y', '/registry/pods/default/z'],
  );
});

test('history replays across reopen', async (t) => {
  const dir = tempDir(t);
  let store = await openLevelStore(dir);
  await store.create('/h/a', { n: 1 });
  await store.update('/h/a', { n: 2 });
  await store.delete('/h/a');
  await store.create('/h/b', { n: 3 });
  await store.close();
  store = await openLevelStore(dir);
  t.after(() => store.close());
  const c = collect(store, '/h/', 1);
  t.after(() => c.watch.close());
  const ev = await c.waitFor(3);
  assert.deepEqual(
    ev.map((e) => [e.type, e.kv.modRevision, e.kv.value.n, e.prev?.modRevision, e.prev?.value.n]),
    [
      ['MODIFIED', 2, 2, 1, 1],
      ['DELETED', 3, 2, 2, 2],
      ['ADDED', 4, 3, undefined, undefined],
    ],
  );
  await store.create('/h/c', {});
  assert.deepEqual(revisions(await c.waitFor(4)).slice(3), [5]);
});

test('compaction: Gone for revisions older than the retained window, also after reopen', async (t) => {
  const dir = tempDir(t);
  let store = await openLevelStore(dir, { historyLimit: 5 });
  for (let i = 0; i < 20; i++) await store.create(`/c/k${i}`, { i });
  // A batch larger than the window compacts its own events.
  await Promise.all(Array.from({ length: 12 }, (_, i) => store.create(`/c/batch${i}`, { i })));
  assert.equal(store.currentRevision(), 32);
  assert.equal(store.compactedRevision(), 27);
  assert.throws(
    () => store.watch('/c/', { fromRevision: 26, onEvent: () => {} }),
    (e: unknown) => isGone(e) && (e as Error).message === 'too old resource version: 26 (27)',
  );
  const c = collect(store, '/c/', 27);
  assert.deepEqual(revisions(await c.waitFor(5)), [28, 29, 30, 31, 32]);
  c.watch.close();
  await store.close();

  // Same limit: same window. Smaller limit: compacted further, persisted.
  store = await openLevelStore(dir, { historyLimit: 5 });
  assert.equal(store.compactedRevision(), 27);
  await store.close();
  store = await openLevelStore(dir, { historyLimit: 2 });
  assert.equal(store.compactedRevision(), 30);
  assert.throws(() => store.watch('/c/', { fromRevision: 29, onEvent: () => {} }), isGone);
  await store.close();
  store = await openLevelStore(dir, { historyLimit: 100 });
  t.after(() => store.close());
  assert.equal(store.compactedRevision(), 30, 'a larger limit cannot bring compacted events back');
  const d = collect(store, '/c/', 30);
  t.after(() => d.watch.close());
  assert.deepEqual(revisions(await d.waitFor(2)), [31, 32]);
  assert.equal((await store.list('/c/')).items.length, 32, 'compaction drops history, never data');
});

test('a watcher that falls behind the window is ended with Gone, writers are not blocked', async (t) => {
  const store = await openLevelStore(tempDir(t), { historyLimit: 10 });
  t.after(() => store.close());
  for (let i = 0; i < 5; i++) await store.create(`/s/k${i}`, {});
  // Start a watch at revision 1, then write far more than the window in one batch: the watcher
  // may replay what the window still held (2..5), then finds its next revision compacted.
  const c = collect(store, '/s/', 1);
  await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`/s/x${i}`, {})));
  const err = await c.waitForError();
  assert.equal(err.code, 'Gone');
  assert.match(err.message, /too old resource version/);
  assert.deepEqual(revisions(c.events), [2, 3, 4, 5].slice(0, c.events.length));
  assert.equal(store.currentRevision(), 55);
});

test('closing the store ends watches with Closed; a throwing handler ends only its watch', async (t) => {
  const store = await openLevelStore(tempDir(t));
  const thrower = collect(store, '/e/', 0);
  const bad = store.watch('/e/', {
    fromRevision: 0,
    onEvent: () => {
      throw new Error('boom');
    },
    onError: (e) => thrower.errors.push(e),
  });
  const good = collect(store, '/e/', 0);
  await store.create('/e/a', {});
  await store.create('/e/b', {});
  await good.waitFor(2);
  assert.match(thrower.errors[0]?.message ?? '', /boom/);
  bad.close();
  const last = store.create('/e/c', {}); // not yet durable when close() is called
  await store.close();
  assert.equal((await last).modRevision, 3);
  const err = await good.waitForError();
  assert.equal(err.code, 'Closed');
  assert.deepEqual(revisions(good.events), [1, 2, 3], 'every acknowledged event arrives before Closed');
  thrower.watch.close();
  t.diagnostic('closed');
});
