import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyIndex } from './key-index.js';

const entry = (key: string) => ({ key, value: {}, createRevision: 1, modRevision: 1 });
const keys = (idx: KeyIndex, prefix: string) => idx.list(prefix).map((e) => e.key);

test('list visits only the prefix, sorted; deleting the last key of a directory prunes it', () => {
  const idx = new KeyIndex();
  for (const k of ['/a/b/c', '/a/b/a', '/a/bb/x', '/a/b', 'plain', '/a/b/d/e', '/z']) idx.set(entry(k));
  assert.deepEqual(keys(idx, '/a/b/'), ['/a/b/a', '/a/b/c', '/a/b/d/e']);
  assert.deepEqual(keys(idx, '/a/b'), ['/a/b', '/a/b/a', '/a/b/c', '/a/b/d/e', '/a/bb/x']);
  assert.deepEqual(keys(idx, 'pl'), ['plain']);
  assert.equal(keys(idx, '').length, 7);
  assert.deepEqual(keys(idx, '/nope/'), []);
  idx.set(entry('/a/b/c')); // overwrite keeps one entry
  assert.equal(idx.size, 7);
  idx.delete('/a/b/d/e');
  idx.delete('/a/b/d/e'); // absent: no-op
  assert.deepEqual(keys(idx, '/a/b/'), ['/a/b/a', '/a/b/c']);
  for (const k of ['/a/b/a', '/a/b/c', '/a/bb/x', '/a/b']) idx.delete(k);
  assert.deepEqual(keys(idx, '/'), ['/z']);
  assert.equal(idx.size, 2);
});
