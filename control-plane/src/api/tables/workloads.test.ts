import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
} from './workloads.js';

const now = new Date('2026-03-01T12:00:00Z');
const md = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: '2026-03-01T11:00:00Z', ...extra });
const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'web:1' }, { name: 'log', image: 'logger:2' }] },
};

test('deployment: READY n/m, UP-TO-DATE, AVAILABLE, wide CONTAINERS IMAGES SELECTOR', () => {
  const d = {
    metadata: md('web'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, template },
    status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  assert.deepEqual(deploymentPrinter.cells(d, now), ['web', '2/3', 3, 2, '60m', 'app,log', 'web:1,logger:2', 'app=web,env in (dev,prod)']);
  assert.deepEqual(deploymentPrinter.columns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(deploymentPrinter.cells({ metadata: md('new'), spec: { replicas: 1, template } }, now).slice(1, 4), ['0/1', 0, 0]);
});

test('replicaset and replicationcontroller: DESIRED CURRENT READY', () => {
  const rs = { metadata: md('web-7d9c'), spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d9c' } }, template }, status: { replicas: 2, readyReplicas: 1 } };
  assert.deepEqual(replicaSetPrinter.cells(rs, now), ['web-7d9c', 2, 2, 1, '60m', 'app,log', 'web:1,logger:2', 'app=web,pod-template-hash=7d9c']);
  const rc = { metadata: md('old'), spec: { replicas: 1, selector: { app: 'web' }, template }, status: { replicas: 1 } };
  assert.deepEqual(replicationControllerPrinter.cells(rc, now), ['old', 1, 1, 0, '60m', 'app,log', 'web:1,logger:2', 'app=web']);
  assert.deepEqual(replicaSetPrinter.columns.map((c) => [c.name, c.type]).slice(0, 4), [['Name', 'string'], ['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer']]);
});

test('daemonset: NODE SELECTOR and counts', () => {
  const ds = {
    metadata: md('agent'),
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent:1' }] } } },
    status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 },
  };
  assert.deepEqual(daemonSetPrinter.cells(ds, now), ['agent', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '60m', 'a', 'agent:1', 'app=agent']);
  assert.equal(daemonSetPrinter.cells({ metadata: md('x'), spec: { template: { spec: {} } } }, now)[6], '<none>');
});

test('job: STATUS COMPLETIONS DURATION', () => {
  const running = { metadata: md('pi'), spec: { completions: 3, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, template }, status: { startTime: '2026-03-01T11:59:00Z', succeeded: 1, active: 1 } };
  assert.deepEqual(jobPrinter.cells(running, now), ['pi', 'Running', '1/3', '60s', '60m', 'app,log', 'web:1,logger:2', 'batch.kubernetes.io/controller-uid=u1']);
  const done = {
    metadata: md('pi'),
    spec: { completions: 1, template },
    status: { startTime: '2026-03-01T11:00:00Z', completionTime: '2026-03-01T11:00:09Z', succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
  };
  assert.deepEqual(jobPrinter.cells(done, now).slice(1, 4), ['Complete', '1/1', '9s']);
  const failed = { metadata: md('f'), spec: { completions: 1, template }, status: { conditions: [{ type: 'Failed', status: 'True' }] } };
  assert.deepEqual(jobPrinter.cells(failed, now).slice(1, 4), ['Failed', '0/1', '']);
  const parallel = { metadata: md('w'), spec: { parallelism: 4, template }, status: {} };
  assert.equal(jobPrinter.cells(parallel, now)[2], '0/1 of 4');
  const deleting = { metadata: md('d', { deletionTimestamp: '2026-03-01T11:59:59Z' }), spec: { completions: 1, template }, status: {} };
  assert.equal(jobPrinter.cells(deleting, now)[1], 'Terminating');
  const suspended = { metadata: md('s'), spec: { completions: 1, template }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } };
  assert.equal(jobPrinter.cells(suspended, now)[1], 'Suspended');
});

test('controllerrevision: CONTROLLER as kind.group/name', () => {
  const cr = { metadata: md('agent-5f8d', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }] }), revision: 2 };
  assert.deepEqual(controllerRevisionPrinter.cells(cr, now), ['agent-5f8d', 'daemonset.apps/agent', 2, '60m']);
  assert.equal(controllerRevisionPrinter.cells({ metadata: md('x'), revision: 1 }, now)[1], '<none>');
});
