import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILTERS } from './filters.js';
import { unschedulableMessage } from './message.js';
import { ClusterState } from './node-state.js';
import { podRequests } from './requests.js';
import { pickNode } from './score.js';
import type { Node, Pod } from './types.js';

const node = (name: string, cpu: string, extra: Partial<Node> = {}): Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu, memory: '1Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});
const pod = (name: string, cpu?: string, extra: Partial<Pod['spec']> = {}, owner?: string): Pod => ({
  metadata: { name, namespace: 'default', ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: owner, controller: true }] } : {}) },
  spec: { containers: [{ name: 'c', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...extra },
});

function reasonsFor(p: Pod, nodes: Node[]): string[][] {
  const s = new ClusterState();
  nodes.forEach((n) => s.setNode(n));
  return s.list().map((n) => {
    for (const f of FILTERS) {
      const r = f(p, podRequests(p), n);
      if (r) return r;
    }
    return [];
  });
}

test('insufficient cpu on every node is worded as kube-scheduler words it', () => {
  const nodes = [node('a', '2'), node('b', '2'), node('c', '2')];
  const msg = unschedulableMessage(3, reasonsFor(pod('big', '64'), nodes));
  assert.equal(msg, '0/3 nodes are available: 3 Insufficient cpu.');
});

test('mixed reasons are counted and sorted', () => {
  const nodes = [node('a', '2', { spec: { unschedulable: true } }), node('b', '1'), node('c', '1')];
  const msg = unschedulableMessage(3, reasonsFor(pod('p', '1500m'), nodes));
  assert.equal(msg, '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.');
});

test('nodeSelector, taints and not-ready nodes filter', () => {
  const tainted = node('t', '2', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });
  const notReady = node('n', '2');
  notReady.status!.conditions = [{ type: 'Ready', status: 'False' }];
  const r = reasonsFor(pod('p', '100m', { nodeSelector: { disk: 'ssd' } }), [node('a', '2')]);
  assert.deepEqual(r, [["node(s) didn't match Pod's node affinity/selector"]]);
  assert.deepEqual(reasonsFor(pod('p'), [tainted]), [['node(s) had untolerated taint {dedicated: gpu}']]);
  assert.deepEqual(reasonsFor(pod('p', undefined, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), [tainted]), [[]]);
  assert.deepEqual(reasonsFor(pod('p'), [notReady]), [['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']]);
});

test('required node affinity with In and NotIn', () => {
  const affinity = (op: 'In' | 'NotIn') => ({
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: op, values: ['b'] }] }] } } },
  });
  assert.deepEqual(reasonsFor(pod('p', undefined, affinity('In')), [node('a', '1'), node('b', '1')]).map((r) => r.length), [1, 0]);
  assert.deepEqual(reasonsFor(pod('p', undefined, affinity('NotIn')), [node('a', '1'), node('b', '1')]).map((r) => r.length), [0, 1]);
});

test('scoring spreads one owner across nodes, then prefers the least allocated', () => {
  const s = new ClusterState();
  ['a', 'b', 'c'].forEach((n) => s.setNode(node(n, '4')));
  const placedOn: string[] = [];
  for (let i = 0; i < 6; i++) {
    const p = pod(`web-${i}`, '100m', {}, 'rc-uid');
    const chosen = pickNode(p, podRequests(p), s.list());
    assert.ok(chosen);
    const name = chosen.node.metadata.name as string;
    placedOn.push(name);
    s.place(`default/web-${i}`, p, name);
  }
  const counts = placedOn.reduce<Record<string, number>>((m, n) => ((m[n] = (m[n] ?? 0) + 1), m), {});
  assert.deepEqual(counts, { a: 2, b: 2, c: 2 });
  // Resources are accounted: a node now has 2 × 100m requested.
  assert.ok(Math.abs(s.list()[0].requested.cpu - 0.2) < 1e-9);
});

test('limits count as requests when only limits are set; init containers take the max', () => {
  const p = pod('p');
  p.spec.containers = [{ name: 'a', resources: { limits: { cpu: '500m', memory: '64Mi' } } }, { name: 'b', resources: { requests: { cpu: '250m' } } }];
  p.spec.initContainers = [{ name: 'i', resources: { requests: { cpu: '2' } } }];
  assert.deepEqual(podRequests(p), { cpu: 2, memory: 64 * 2 ** 20 });
});
