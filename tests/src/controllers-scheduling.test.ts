// Scheduler + replication controller + DaemonSet over 3 fake nodes, driven by kubectl 1.32:
// spreading, replacement of a deleted pod, scale up and down, FailedScheduling as kube-scheduler
// words it, and a DaemonSet reaching a node that joins later.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '@wasmkube/client';
import { ControllersFixture, ok, until } from './controllers-fixture.js';

let f: ControllersFixture;

before(async () => {
  f = await ControllersFixture.start('ctl-sched');
  for (const n of ['node-1', 'node-2', 'node-3']) await f.addNode(n, '2', '4Gi');
  f.runKubelets();
});

after(async () => {
  await f?.close();
});

const rcYaml = (replicas: number) => `apiVersion: v1
kind: ReplicationController
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: web.wasm
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
`;

const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort());

test('an RC of 6 spreads 2/2/2; a deleted pod is replaced; kubectl scale up and down', async () => {
  await f.apply(rcYaml(6));
  const spread = await until(async () => {
    const s = sorted(await f.spread('default', 'app=web'));
    return Object.values(s).reduce((a, b) => a + b, 0) === 6 && !s['<none>'] ? s : undefined;
  }, { what: '6 pods bound' });
  assert.deepEqual(spread, { 'node-1': 2, 'node-2': 2, 'node-3': 2 });

  // Delete one pod: the RC makes a new one, and spreading puts it back where the gap is.
  const victim = (await f.pods('default', 'app=web')).find((p) => p.spec.nodeName === 'node-2')!;
  ok(await f.kubectl('delete', 'pod', victim.metadata.name as string, '--wait=false'));
  await until(async () => {
    const pods = (await f.pods('default', 'app=web')).filter((p) => !p.metadata.deletionTimestamp);
    return pods.length === 6 && !pods.some((p) => p.metadata.name === victim.metadata.name) && pods.every((p) => p.spec.nodeName);
  }, { what: 'replacement pod' });
  assert.deepEqual(sorted(await f.spread('default', 'app=web')), { 'node-1': 2, 'node-2': 2, 'node-3': 2 });

  assert.equal(ok(await f.kubectl('scale', 'rc', 'web', '--replicas=9')), 'replicationcontroller/web scaled\n');
  await until(async () => JSON.stringify(sorted(await f.spread('default', 'app=web'))) === JSON.stringify({ 'node-1': 3, 'node-2': 3, 'node-3': 3 }), { what: '3/3/3' });
  await until(async () => (await f.kubectl('get', 'rc', 'web', '-o', 'jsonpath={.status.readyReplicas}')).stdout === '9', { what: 'status.readyReplicas 9' });

  ok(await f.kubectl('scale', 'rc', 'web', '--replicas=2'));
  await until(async () => (await f.pods('default', 'app=web')).length === 2, { what: 'scaled down to 2 (graceful deletions completed by the stand-in kubelets)' });
  const rc = JSON.parse(ok(await f.kubectl('get', 'rc', 'web', '-o', 'json')));
  await until(async () => {
    const s = JSON.parse(ok(await f.kubectl('get', 'rc', 'web', '-o', 'json'))).status;
    return s.replicas === 2 && s.readyReplicas === 2 && s.availableReplicas === 2;
  }, { what: 'RC status 2/2/2' });
  assert.equal(rc.spec.replicas, 2);
  ok(await f.kubectl('delete', 'rc', 'web'));
  await until(async () => (await f.pods('default', 'app=web')).length === 0, { what: 'RC pods garbage-collected' });
});

test('a pod asking more cpu than any node has stays Pending with the FailedScheduling message', async () => {
  await f.apply(`apiVersion: v1
kind: Pod
metadata:
  name: huge
spec:
  containers:
  - name: main
    image: web.wasm
    resources:
      requests:
        cpu: "16"
`);
  const msg = '0/3 nodes are available: 3 Insufficient cpu.';
  const described = await until(async () => {
    const out = ok(await f.kubectl('describe', 'pod', 'huge'));
    return out.includes('FailedScheduling') && out.includes(msg) ? out : undefined;
  }, { what: 'FailedScheduling in describe' });
  assert.match(described, /Status:\s+Pending/);
  assert.match(described, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\./);
  const pod = JSON.parse(ok(await f.kubectl('get', 'pod', 'huge', '-o', 'json')));
  assert.equal(pod.spec.nodeName, undefined);
  const cond = pod.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled');
  assert.deepEqual([cond.status, cond.reason, cond.message], ['False', 'Unschedulable', msg]);
  ok(await f.kubectl('delete', 'pod', 'huge'));
});

test('a DaemonSet runs one pod per node, including a node that joins later', async () => {
  await f.apply(`apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: agent.wasm
`);
  await until(async () => JSON.stringify(sorted(await f.spread('default', 'app=agent'))) === JSON.stringify({ 'node-1': 1, 'node-2': 1, 'node-3': 1 }), { what: 'one agent per node' });
  await f.addNode('node-4', '2', '4Gi');
  await until(async () => (await f.spread('default', 'app=agent'))['node-4'] === 1, { what: 'agent on the new node' });
  const ds = await until(async () => {
    const d = await f.client.get<any>(R.daemonsets, 'default', 'agent');
    return d.status?.desiredNumberScheduled === 4 && d.status?.numberReady === 4 ? d : undefined;
  }, { what: 'DaemonSet status 4/4' });
  assert.equal(ds.status.currentNumberScheduled, 4);
});
