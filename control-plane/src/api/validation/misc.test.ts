import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { defaultObject, validateObject } from './index.js';

const info = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;
const fields = (cs: Array<{ field?: string; message: string }>) => cs.map((c) => `${c.field}: ${c.message}`);

test('namespace defaults: finalizer, phase, name label', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'spoofed' } } } as Record<string, unknown>;
  defaultObject(info('Namespace'), ns);
  assert.deepEqual(ns, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
  assert.deepEqual(validateObject(info('Namespace'), ns), []);
});

test('secret defaults to Opaque; type is immutable; tls needs its keys', () => {
  const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { 'pass word': 'eA==' } } as Record<string, unknown>;
  defaultObject(info('Secret'), s);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(fields(validateObject(info('Secret'), s)), [
    "data[pass word]: Invalid value: \"pass word\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  const tls = { metadata: { name: 't', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } };
  assert.deepEqual(fields(validateObject(info('Secret'), tls)), ['data[tls.key]: Required value']);
  const old = { metadata: { name: 's', namespace: 'default' }, type: 'Opaque', data: {} };
  assert.deepEqual(fields(validateObject(info('Secret'), { ...old, type: 'kubernetes.io/basic-auth' }, old)), ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
});

test('configmap keys, binaryData duplicates, immutable configmaps', () => {
  const cm = { metadata: { name: 'c', namespace: 'default' }, data: { '..x': 'a', 'ok.key': 'b' }, binaryData: { 'ok.key': 'AA==' } };
  assert.deepEqual(fields(validateObject(info('ConfigMap'), cm)), [
    'data[..x]: Invalid value: "..x": must not start with \'..\'',
    'binaryData[ok.key]: Invalid value: "ok.key": duplicate of key present in data',
  ]);
  const old = { metadata: { name: 'c', namespace: 'default' }, immutable: true, data: { a: '1' } };
  assert.deepEqual(fields(validateObject(info('ConfigMap'), { ...old, data: { a: '2' } }, old)), ['data: Forbidden: field is immutable when `immutable` is set']);
});

test('kinds without special rules still get metadata checks; status updates only metadata', () => {
  assert.deepEqual(validateObject(info('Lease'), { metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'node-1' } }), []);
  assert.equal(validateObject(info('Node'), { metadata: { name: 'Node_1' } })[0].field, 'metadata.name');
  const pod = { metadata: { name: 'p', namespace: 'default' }, spec: {} };
  assert.deepEqual(validateObject(info('Pod'), pod, pod, { subresource: 'status' }), []);
  assert.deepEqual(fields(validateObject(info('EndpointSlice'), { metadata: { name: 'e', namespace: 'default' }, addressType: 'IPv5' })), [
    'addressType: Unsupported value: "IPv5": supported values: "IPv4", "IPv6", "FQDN"',
  ]);
});
