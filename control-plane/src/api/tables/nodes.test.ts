import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodePrinter } from './nodes.js';

const now = new Date('2026-03-03T16:00:00Z');

function node(ready: string | undefined, extra: { unschedulable?: boolean; labels?: Record<string, string> } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', creationTimestamp: '2026-03-01T12:00:00Z', labels: extra.labels ?? {} },
    spec: extra.unschedulable ? { unschedulable: true } : {},
    status: {
      conditions: ready === undefined ? [] : [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }],
      addresses: [{ type: 'InternalIP', address: '127.0.0.2' }, { type: 'Hostname', address: 'node-1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0-wasmkube', osImage: 'wasmkube (WASI preview1)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'wasmkube://0.1.0' },
    },
  };
}

test('node columns and a Ready control-plane node', () => {
  assert.deepEqual(nodePrinter.columns.map((c) => `${c.name}:${c.priority}`), [
    'Name:0', 'Status:0', 'Roles:0', 'Age:0', 'Version:0', 'Internal-IP:1', 'External-IP:1', 'OS-Image:1', 'Kernel-Version:1', 'Container-Runtime:1',
  ]);
  const n = node('True', { labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'node-1' } });
  assert.deepEqual(nodePrinter.cells(n, now), [
    'node-1', 'Ready', 'control-plane', '2d4h', 'v1.32.0-wasmkube', '127.0.0.2', '<none>', 'wasmkube (WASI preview1)', '6.1.0-18-amd64', 'wasmkube://0.1.0',
  ]);
});

test('NotReady, Unknown, SchedulingDisabled and kubernetes.io/role', () => {
  assert.equal(nodePrinter.cells(node('False'), now)[1], 'NotReady');
  assert.equal(nodePrinter.cells(node('Unknown'), now)[1], 'NotReady');
  assert.equal(nodePrinter.cells(node(undefined), now)[1], 'Unknown');
  assert.equal(nodePrinter.cells(node('True', { unschedulable: true }), now)[1], 'Ready,SchedulingDisabled');
  assert.equal(nodePrinter.cells(node('True', { labels: { 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/infra': '' } }), now)[2], 'infra,worker');
  assert.equal(nodePrinter.cells(node('True'), now)[2], '<none>');
});
