import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { toTable } from './index.js';
import { podPrinter, podSummary } from './pods.js';

const now = new Date('2026-03-01T12:00:00Z');
const created = '2026-03-01T11:56:40Z'; // 3m20s before now

function pod(status: Record<string, unknown>, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: created, ...metadata },
    spec: { containers: [{ name: 'app', image: 'web:1' }], ...spec },
    status,
  };
}

const running = (ready = true, restartCount = 0, extra: Record<string, unknown> = {}) => ({
  name: 'app',
  ready,
  restartCount,
  started: true,
  state: { running: { startedAt: '2026-03-01T11:57:00Z' } },
  ...extra,
});

test('columns are the 1.32 pod columns with wide ones at priority 1', () => {
  assert.deepEqual(
    podPrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ],
  );
  assert.equal(podPrinter.columns[0].format, 'name');
});

test('running pod: all cells including wide ones', () => {
  const p = pod(
    { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], containerStatuses: [running()], conditions: [{ type: 'Ready', status: 'True' }] },
    { nodeName: 'node-1' },
  );
  assert.deepEqual(podPrinter.cells(p, now), ['web-1', '1/1', 'Running', '0', '3m20s', '10.244.0.5', 'node-1', '<none>', '<none>']);
});

test('pending pod not yet scheduled', () => {
  const p = pod({ phase: 'Pending' });
  assert.deepEqual(podPrinter.cells(p, now), ['web-1', '0/1', 'Pending', '0', '3m20s', '<none>', '<none>', '<none>', '<none>']);
});

test('waiting reasons: ContainerCreating, ErrImagePull, CrashLoopBackOff with restarts "(Xm ago)"', () => {
  const waiting = (reason: string, extra: Record<string, unknown> = {}) =>
    pod({ phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason } }, ...extra }] });
  assert.equal(podSummary(waiting('ContainerCreating'), now).status, 'ContainerCreating');
  assert.equal(podSummary(waiting('ErrImagePull'), now).status, 'ErrImagePull');
  const crash = pod({
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-03-01T11:55:00Z' } },
      },
    ],
  });
  assert.deepEqual(podSummary(crash, now), { ready: '0/1', status: 'CrashLoopBackOff', restarts: '5 (5m ago)' });
});

test('init containers: Init:0/2, Init:Error, Init:ExitCode, Init:CrashLoopBackOff', () => {
  const spec = { initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'y' }] };
  const p1 = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { running: {} } }, { name: 'i2', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] }, spec);
  assert.equal(podSummary(p1, now).status, 'Init:0/2');
  const p2 = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'i2', restartCount: 0, state: { running: {} } }] }, spec);
  assert.equal(podSummary(p2, now).status, 'Init:1/2');
  const p3 = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 2, state: { terminated: { exitCode: 3, reason: 'Error' } } }] }, spec);
  assert.deepEqual(podSummary(p3, now), { ready: '0/1', status: 'Init:Error', restarts: '2' });
  const p4 = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 7 } } }] }, spec);
  assert.equal(podSummary(p4, now).status, 'Init:ExitCode:7');
  const p5 = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, spec);
  assert.equal(podSummary(p5, now).status, 'Init:CrashLoopBackOff');
});

test('sidecar (restartable init container) counts toward READY', () => {
  const p = pod(
    {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [running()],
    },
    { initContainers: [{ name: 'proxy', image: 'p', restartPolicy: 'Always' }] },
  );
  const s = podSummary(p, now);
  assert.equal(s.ready, '2/2');
  assert.equal(s.status, 'Running');
  assert.equal(s.restarts, '1');
});

test('completed, failed with exit code, signal, and Completed+running → NotReady', () => {
  const done = pod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.equal(podSummary(done, now).status, 'Completed');
  const table = toTable(RESOURCES.find((r) => r.kind === 'Pod')!, [done], { now });
  const row = (table.rows as Array<Record<string, unknown>>)[0];
  assert.deepEqual(row.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  const code = pod({ phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 2 } } }] });
  assert.equal(podSummary(code, now).status, 'ExitCode:2');
  const sig = pod({ phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] });
  assert.equal(podSummary(sig, now).status, 'Signal:9');
  const two = pod(
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [running(true), { name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    },
    { containers: [{ name: 'app' }, { name: 'job' }] },
  );
  assert.deepEqual(podSummary(two, now), { ready: '1/2', status: 'NotReady', restarts: '0' });
});

test('Terminating when deletionTimestamp is set (unless terminal), Unknown for NodeLost', () => {
  const md = { deletionTimestamp: '2026-03-01T11:59:00Z' };
  assert.equal(podSummary(pod({ phase: 'Running', containerStatuses: [running()] }, {}, md), now).status, 'Terminating');
  assert.equal(podSummary(pod({ phase: 'Succeeded' }, {}, md), now).status, 'Succeeded');
  assert.equal(podSummary(pod({ phase: 'Running', reason: 'NodeLost' }, {}, md), now).status, 'Unknown');
});

test('status.reason (Evicted) and SchedulingGated win over phase', () => {
  assert.equal(podSummary(pod({ phase: 'Failed', reason: 'Evicted' }), now).status, 'Evicted');
  assert.equal(podSummary(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), now).status, 'SchedulingGated');
});

test('readiness gates and nominated node in wide cells', () => {
  const p = pod(
    { phase: 'Pending', nominatedNodeName: 'node-2', conditions: [{ type: 'example.com/gate', status: 'True' }] },
    { readinessGates: [{ conditionType: 'example.com/gate' }, { conditionType: 'example.com/other' }] },
  );
  const cells = podPrinter.cells(p, now);
  assert.equal(cells[7], 'node-2');
  assert.equal(cells[8], '1/2');
});
