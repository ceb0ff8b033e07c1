import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMapPrinter, defaultPrinter, eventPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './core.js';

const now = new Date('2026-03-01T12:00:00Z');
const md = (name: string) => ({ name, namespace: 'default', creationTimestamp: '2026-02-27T12:00:00Z' });

test('namespace, configmap, secret, serviceaccount, lease', () => {
  assert.deepEqual(namespacePrinter.cells({ metadata: md('kube-system'), status: { phase: 'Active' } }, now), ['kube-system', 'Active', '2d']);
  assert.deepEqual(configMapPrinter.cells({ metadata: md('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, now), ['cfg', 3, '2d']);
  assert.deepEqual(configMapPrinter.cells({ metadata: md('empty') }, now), ['empty', 0, '2d']);
  assert.deepEqual(secretPrinter.cells({ metadata: md('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, now), ['tls', 'kubernetes.io/tls', 2, '2d']);
  assert.deepEqual(serviceAccountPrinter.cells({ metadata: md('default') }, now), ['default', 0, '2d']);
  assert.deepEqual(leasePrinter.cells({ metadata: md('node-1'), spec: { holderIdentity: 'node-1' } }, now), ['node-1', 'node-1', '2d']);
  assert.deepEqual(secretPrinter.columns.map((c) => c.name), ['Name', 'Type', 'Data', 'Age']);
});

test('events: LAST SEEN TYPE REASON OBJECT (+wide SUBOBJECT SOURCE) MESSAGE', () => {
  assert.deepEqual(
    eventPrinter.columns.filter((c) => c.priority === 0).map((c) => c.name),
    ['Last Seen', 'Type', 'Reason', 'Object', 'Message'],
  );
  const ev = {
    metadata: { name: 'web-1.17f2a', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    message: 'Successfully pulled image "web:1"  \n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-03-01T11:50:00Z',
    lastTimestamp: '2026-03-01T11:59:30Z',
    count: 4,
    type: 'Normal',
  };
  assert.deepEqual(eventPrinter.cells(ev, now), ['30s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Successfully pulled image "web:1"', '10m', 4, 'web-1.17f2a']);
  const newApi = { metadata: { name: 'e2' }, involvedObject: { kind: 'Node' }, eventTime: '2026-03-01T11:59:00.000000Z', reportingController: 'scheduler', type: 'Warning', reason: 'X', message: 'm' };
  assert.deepEqual(eventPrinter.cells(newApi, now), ['60s', 'Warning', 'X', 'node', '', 'scheduler', 'm', '60s', 1, 'e2']);
});

test('default table: NAME and CREATED AT (date column, RFC 3339)', () => {
  assert.deepEqual(defaultPrinter.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.deepEqual(defaultPrinter.cells({ metadata: { name: 'b', creationTimestamp: '2026-02-27T12:00:00Z' } }, now), ['b', '2026-02-27T12:00:00Z']);
});
