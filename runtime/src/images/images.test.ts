import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImagePullError, ImagePuller, ImageStore, parseImageReference, sha256 } from './index.js';

const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

test('image references: store names default to :latest, files, URLs and digests', () => {
  assert.deepEqual(parseImageReference('web'), { raw: 'web', source: 'store', location: 'web:latest', digest: undefined, tag: 'latest' });
  assert.equal(parseImageReference('web:1.0').tag, '1.0');
  assert.equal(parseImageReference('file:///tmp/x.wasm').location, '/tmp/x.wasm');
  const h = parseImageReference(`http://127.0.0.1/x.wasm@sha256:${'a'.repeat(64)}`);
  assert.equal(h.source, 'http');
  assert.equal(h.digest, `sha256:${'a'.repeat(64)}`);
  assert.throws(() => parseImageReference('Bad Name!'), /invalid image reference/);
});

test('load, list and pull from the node image store; a missing image is ErrImagePull', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wk-img-'));
  try {
    const store = new ImageStore(dir);
    const rec = await store.load('hello:1', WASM);
    assert.equal(rec.digest, sha256(WASM));
    assert.deepEqual((await store.list()).map((i) => i.name), ['hello:1']);
    const puller = new ImagePuller(store);
    const p = await puller.pull('hello:1', 'IfNotPresent');
    assert.deepEqual([...p.bytes], [...WASM]);
    assert.equal((await puller.pull('hello:1', 'IfNotPresent')).cached, true);
    await assert.rejects(puller.pull('nope:1', 'IfNotPresent'), (e) => e instanceof ImagePullError && /not found in the node's image store/.test(e.message));
    await assert.rejects(puller.pull('/no/such/file.wasm', 'Never'), (e) => e instanceof ImagePullError && e.reason === 'ErrImageNeverPull');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loadMany stores several images in one go; a bad name among them stores none', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wk-img-'));
  try {
    const store = new ImageStore(dir);
    await store.load('a:1', WASM);
    const other = new Uint8Array([...WASM, 0x00, 0x00]); // an empty custom section: another digest
    const recs = await store.loadMany([
      ['a:1', other],
      ['b', WASM],
      ['c:2', other],
    ]);
    assert.deepEqual(recs.map((r) => r.name), ['a:1', 'b:latest', 'c:2']);
    const listed = await store.list();
    assert.deepEqual(listed.map((i) => [i.name, i.digest]), [['a:1', sha256(other)], ['b:latest', sha256(WASM)], ['c:2', sha256(other)]]);
    assert.deepEqual([...(await store.read(sha256(other)))], [...other]);
    await assert.rejects(store.loadMany([['d:1', WASM], ['Bad Name!', WASM]]), /invalid image reference/);
    assert.equal(await store.lookup('d:1'), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('http pulls verify a sha256 digest', async () => {
  const server = createServer((_req, res) => res.end(Buffer.from(WASM)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dir = await mkdtemp(join(tmpdir(), 'wk-img-'));
  try {
    const puller = new ImagePuller(new ImageStore(dir));
    const good = sha256(WASM).slice('sha256:'.length);
    const ok = await puller.pull(`http://127.0.0.1:${port}/x.wasm@sha256:${good}`, 'Always');
    assert.equal(ok.digest, `sha256:${good}`);
    await assert.rejects(puller.pull(`http://127.0.0.1:${port}/x.wasm@sha256:${'0'.repeat(64)}`, 'Always'), /digest mismatch/);
    const f = join(dir, 'f.wasm');
    await writeFile(f, WASM);
    assert.equal((await puller.pull(`file://${f}`, 'IfNotPresent')).digest, sha256(WASM));
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
