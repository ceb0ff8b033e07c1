import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader, Writer } from './bytes.js';
import { ImageError } from './errors.js';

test('unsigned LEB128 round-trips 32-bit values', () => {
  for (const v of [0, 1, 63, 64, 127, 128, 255, 624485, 2 ** 31, 2 ** 32 - 1]) {
    const bytes = new Writer().u32(v).finish();
    const r = new Reader(bytes);
    assert.equal(r.u32(), v);
    assert.ok(r.eof);
  }
  assert.deepEqual([...new Writer().u32(624485).finish()], [0xe5, 0x8e, 0x26]);
});

test('signed LEB128 writes the canonical encoding and reads back s33', () => {
  assert.deepEqual([...new Writer().sleb(-1).finish()], [0x7f]);
  assert.deepEqual([...new Writer().sleb(-123456).finish()], [0xc0, 0xbb, 0x78]);
  assert.deepEqual([...new Writer().sleb(64).finish()], [0xc0, 0x00]);
  for (const v of [0, 5, -5, 63, -64, 64, -65, 2 ** 31, -(2 ** 32)]) {
    assert.equal(new Reader(new Writer().sleb(v).finish()).s33(), v);
  }
});

test('reading past the end or an overlong LEB is an InvalidImage error with the offset', () => {
  const r = new Reader(new Uint8Array([0x80, 0x80]), 0, 2, 100);
  assert.throws(() => r.u32(), (e: unknown) => e instanceof ImageError && e.reason === 'InvalidImage' && /unexpected end.*0x66/.test(e.message));
  const long = new Reader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]));
  assert.throws(() => long.u32(), /too long/);
  assert.throws(() => new Reader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x1f])).u32(), /too large/);
});

test('names are length-prefixed UTF-8', () => {
  const bytes = new Writer().name('wasi_snapshot_preview1').name('héllo').finish();
  const r = new Reader(bytes);
  assert.equal(r.name(), 'wasi_snapshot_preview1');
  assert.equal(r.name(), 'héllo');
  assert.throws(() => new Reader(new Uint8Array([2, 0xc3, 0x28])).name(), /UTF-8/);
});
