import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { pod, startFixture } from './testing/fixture.js';
import type { Json } from './testing/fixture.js';

const PODS = '/api/v1/namespaces/default/pods';

/** A watch read with node:http: headers as soon as they arrive, then one parsed event per line. */
function openWatch(url: string, headers: Record<string, string> = {}) {
  const events: Json[] = [];
  let buf = '';
  let waiters: (() => void)[] = [];
  let ended = false;
  const wake = () => {
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  };
  let req!: http.ClientRequest;
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req = http.get(url, { headers }, (res) => {
      resolve(res);
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)) as Json);
          buf = buf.slice(i + 1);
        }
        wake();
      });
      const end = () => {
        ended = true;
        wake();
      };
      res.on('end', end);
      res.on('close', end);
    });
    req.on('error', reject);
  });
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise<void>((r) => waiters.push(r));
  };
  return {
    response,
    events,
    /** Resolves once n events arrived (the test runner's timeout bounds the wait). */
    waitFor: async (n: number) => {
      await until(() => events.length >= n || ended);
      assert.ok(events.length >= n, `expected ${n} events, stream ended with ${events.length}`);
      return events;
    },
    ended: () => until(() => ended),
    close: () => req.destroy(),
  };
}

test('watch: headers arrive before any event; live ADDED/MODIFIED/DELETED in order', { timeout: 10_000 }, async (t) => {
  const f = await startFixture(t);
  const rv = String(f.store.currentRevision());
  const w = openWatch(`${f.url}${PODS}?watch=true&resourceVersion=${rv}`);
  t.after(() => w.close());
  const res = await w.response; // no event exists yet: only flushed headers can resolve this
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(w.events.length, 0);

  const c = await f.call('POST', PODS, pod('a'));
  await f.call('PATCH', `${PODS}/a`, JSON.stringify({ metadata: { labels: { x: 'y' } } }), { 'content-type': 'application/merge-patch+json' });
  await f.call('DELETE', `${PODS}/a`);
  const ev = await w.waitFor(3);
  assert.deepEqual(ev.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  assert.equal(ev[0].object.kind, 'Pod');
  assert.equal(ev[0].object.metadata.resourceVersion, c.body.metadata.resourceVersion);
  assert.equal(ev[1].object.metadata.labels.x, 'y');
});

test('watch: without resourceVersion the current state comes first as ADDED; resume replays history', { timeout: 10_000 }, async (t) => {
  const f = await startFixture(t);
  const a = await f.call('POST', PODS, pod('a'));
  await f.call('POST', PODS, pod('b'));
  const w = openWatch(`${f.url}${PODS}?watch=True`);
  t.after(() => w.close());
  const ev = await w.waitFor(2);
  assert.deepEqual(ev.map((e) => `${e.type} ${e.object.metadata.name}`).sort(), ['ADDED a', 'ADDED b']);

  // Resume from a's revision: b's creation is replayed from the store's history.
  const r = openWatch(`${f.url}${PODS}?watch=1&resourceVersion=${a.body.metadata.resourceVersion}`);
  t.after(() => r.close());
  const replay = await r.waitFor(1);
  assert.equal(replay[0].type, 'ADDED');
  assert.equal(replay[0].object.metadata.name, 'b');
});

test('watch: a compacted resourceVersion gets one ERROR event with 410 Expired, then the stream ends', { timeout: 10_000 }, async (t) => {
  const f = await startFixture(t, { store: { historyLimit: 3 } });
  for (let i = 0; i < 8; i++) await f.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `c${i}` } });
  const w = openWatch(`${f.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2`);
  await w.ended();
  assert.equal(w.events.length, 1);
  assert.equal(w.events[0].type, 'ERROR');
  assert.equal(w.events[0].object.kind, 'Status');
  assert.equal(w.events[0].object.code, 410);
  assert.equal(w.events[0].object.reason, 'Expired');
});

test('watch: timeoutSeconds ends the stream; bookmarks when allowed', { timeout: 10_000 }, async (t) => {
  const f = await startFixture(t, { server: { bookmarkIntervalMs: 50 } });
  const rv = String(f.store.currentRevision());
  const w = openWatch(`${f.url}${PODS}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
  await w.ended();
  const bm = w.events.filter((e) => e.type === 'BOOKMARK');
  assert.ok(bm.length >= 1, 'at least one bookmark within the second');
  assert.equal(bm[0].object.kind, 'Pod');
  assert.equal(bm[0].object.metadata.resourceVersion, rv);
});

test('watch: selectors turn entering/leaving objects into ADDED/DELETED; field selector by name', { timeout: 10_000 }, async (t) => {
  const f = await startFixture(t);
  await f.call('POST', PODS, pod('a'));
  const rv = String(f.store.currentRevision());
  const w = openWatch(`${f.url}${PODS}?watch=true&resourceVersion=${rv}&labelSelector=tier%3Dweb`);
  const byName = openWatch(`${f.url}${PODS}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Db`);
  t.after(() => (w.close(), byName.close()));
  const merge = { 'content-type': 'application/merge-patch+json' };
  await f.call('PATCH', `${PODS}/a`, JSON.stringify({ metadata: { labels: { tier: 'web' } } }), merge);
  await f.call('PATCH', `${PODS}/a`, JSON.stringify({ metadata: { annotations: { n: '1' } } }), merge);
  await f.call('PATCH', `${PODS}/a`, JSON.stringify({ metadata: { labels: { tier: null } } }), merge);
  await f.call('POST', PODS, pod('b'));
  const ev = await w.waitFor(3);
  assert.deepEqual(ev.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  const b = await byName.waitFor(1);
  assert.equal(b.length, 1);
  assert.equal(b[0].object.metadata.name, 'b');
});

test('watch: Table Accept gives one-row Tables; legacy /watch/ paths work; single-object watch', { timeout: 10_000 }, async (t) => {
  const f = await startFixture(t);
  const rv = String(f.store.currentRevision());
  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  const w = openWatch(`${f.url}${PODS}?watch=true&resourceVersion=${rv}`, { accept });
  const legacy = openWatch(`${f.url}/api/v1/watch/namespaces/default/pods?resourceVersion=${rv}`);
  const one = openWatch(`${f.url}${PODS}/b?watch=true&resourceVersion=${rv}`);
  t.after(() => (w.close(), legacy.close(), one.close()));
  await Promise.all([w.response, legacy.response, one.response]);
  await f.call('POST', PODS, { ...pod('a'), metadata: { name: 'a', labels: { app: 'x' } } });
  await f.call('POST', PODS, pod('b'));
  const ev = await w.waitFor(1);
  assert.equal(ev[0].type, 'ADDED');
  assert.equal(ev[0].object.kind, 'Table');
  assert.equal(ev[0].object.rows.length, 1);
  assert.equal(ev[0].object.rows[0].cells[0], 'a');
  assert.equal(ev[0].object.rows[0].object.metadata.labels.app, 'x');
  assert.equal((await legacy.waitFor(2))[1].object.metadata.name, 'b');
  const o = await one.waitFor(1);
  assert.equal(o[0].object.metadata.name, 'b');
});

test('watch: a client that goes away releases its store watch; close() ends open watches', { timeout: 10_000 }, async (t) => {
  const f = await startFixture(t);
  const rv = String(f.store.currentRevision());
  const w = openWatch(`${f.url}${PODS}?watch=true&resourceVersion=${rv}`);
  await w.response;
  const w2 = openWatch(`${f.url}${PODS}?watch=true&resourceVersion=${rv}`);
  await w2.response;
  assert.equal(f.api.openWatches(), 2);
  w.close();
  // The server keeps serving; the remaining watch still gets events.
  await f.call('POST', PODS, pod('a'));
  assert.equal((await w2.waitFor(1))[0].type, 'ADDED');
  for (let i = 0; i < 100 && f.api.openWatches() > 1; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(f.api.openWatches(), 1, 'the disconnected client’s watch is released');
  await f.api.close();
  await w2.ended();
  assert.equal(f.api.openWatches(), 0);
});

test('watch: a resourceVersion beyond the store revision asks the client to re-list (410)', { timeout: 10_000 }, async (t) => {
  const f = await startFixture(t);
  const w = openWatch(`${f.url}${PODS}?watch=true&resourceVersion=${f.store.currentRevision() + 1000}`);
  await w.ended();
  assert.equal(w.events.length, 1);
  assert.equal(w.events[0].type, 'ERROR');
  assert.equal(w.events[0].object.code, 410);
});
