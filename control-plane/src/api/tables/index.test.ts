import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { toTable } from './index.js';

const info = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;
const now = new Date('2026-03-01T12:00:00Z');
const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', labels: { a: 'b' }, creationTimestamp: '2026-03-01T11:59:00Z' }, data: { k: 'v' } };

test('table envelope, column definition fields and PartialObjectMetadata rows by default', () => {
  const t = toTable(info('ConfigMap'), [cm], { now, resourceVersion: '42' });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '42' });
  const cols = t.columnDefinitions as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(cols[0]).sort(), ['description', 'format', 'name', 'priority', 'type']);
  const rows = t.rows as Array<Record<string, unknown>>;
  assert.deepEqual(rows[0].cells, ['cfg', 1, '60s']);
  assert.deepEqual(rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata });
  assert.equal('conditions' in rows[0], false);
  // JSON round trip keeps everything kubectl reads.
  assert.deepEqual(JSON.parse(JSON.stringify(t)).rows[0].object.metadata.labels, { a: 'b' });
});

test('includeObject=Object carries the whole object; None carries none', () => {
  const full = toTable(info('ConfigMap'), [cm], { now, includeObject: 'Object' });
  assert.equal((full.rows as Array<Record<string, unknown>>)[0].object, cm);
  const none = toTable(info('ConfigMap'), [cm], { now, includeObject: 'None' });
  assert.equal('object' in (none.rows as Array<Record<string, unknown>>)[0], false);
});

test('every served kind has a printer whose rows match its column count', () => {
  for (const r of RESOURCES) {
    const t = toTable(r, [{ metadata: { name: 'x', creationTimestamp: '2026-03-01T11:00:00Z' } }], { now });
    const cols = t.columnDefinitions as unknown[];
    const cells = (t.rows as Array<{ cells: unknown[] }>)[0].cells;
    assert.equal(cells.length, cols.length, r.kind);
    assert.equal(cells[r.kind === 'Event' ? 9 : 0], 'x', r.kind);
  }
});

test('empty list gives rows: [] with the columns', () => {
  const t = toTable(info('Pod'), [], { now, resourceVersion: '7' });
  assert.deepEqual(t.rows, []);
  assert.equal((t.columnDefinitions as unknown[]).length, 9);
});
