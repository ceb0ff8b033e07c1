// Node failure with short timings (grace 6 s, tolerations capped to 1 s): a node whose Lease stops
// being renewed becomes Ready=Unknown with the unreachable taints, its pods are marked not ready
// and evicted once their toleration runs out, and the RC replaces them on the other nodes. When the
// Lease is renewed again the taints go.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@wasmkube/client';
import { ControllersFixture, ok, until } from './controllers-fixture.js';

let f: ControllersFixture;

before(async () => {
  f = await ControllersFixture.start('ctl-node-failure', { nodeMonitorGracePeriodSeconds: 6, podEvictionTimeoutSeconds: 1 });
  for (const n of ['node-1', 'node-2', 'node-3']) await f.addNode(n, '2', '4Gi');
  // Leases of the up nodes are renewed every 200 ms; node-3 stops when it leaves upNodes.
  f.runKubelets(50, { renewLeases: true });
});

after(async () => {
  await f?.close();
});

interface NodeLike extends KubeObject {
  spec?: { taints?: { key: string; effect: string; timeAdded?: string }[] };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

test('a node that stops renewing its Lease is tainted unreachable and its pods move to the other nodes', async () => {
  await f.apply(`apiVersion: v1
kind: ReplicationController
metadata:
  name: web
spec:
  replicas: 6
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
`);
  await until(async () => JSON.stringify(await f.spread('default', 'app=web')) !== '{}' && (await f.spread('default', 'app=web'))['node-3'] === 2, { what: '2 pods on node-3' });
  const onNode3 = (await f.pods('default', 'app=web')).filter((p) => p.spec.nodeName === 'node-3').map((p) => p.metadata.name);
  await until(async () => (await f.pods('default', 'app=web')).every((p) => p.status?.phase === 'Running'), { what: 'all running' });

  // The node "dies": its stand-in kubelet stops (no lease renewal, nothing completes there).
  f.upNodes.delete('node-3');
  const node = await until(async () => {
    const n = await f.client.get<NodeLike>(R.nodes, undefined, 'node-3');
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.status === 'Unknown' && (n.spec?.taints ?? []).length === 2 ? n : undefined;
  }, { what: 'node-3 Ready=Unknown and tainted' });
  const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.reason, ready.message], ['NodeStatusUnknown', 'Kubelet stopped posting node status.']);
  assert.deepEqual(node.spec!.taints!.map((t) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.ok(node.spec!.taints!.every((t) => t.timeAdded));
  assert.match(ok(await f.kubectl('get', 'node', 'node-3', '--no-headers')), /^node-3\s+NotReady\s/);

  // Its pods are evicted (Terminating: no kubelet confirms) and replaced on node-1 and node-2.
  await until(async () => {
    const pods = await f.pods('default', 'app=web');
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    return live.length === 6 && live.every((p) => p.spec.nodeName === 'node-1' || p.spec.nodeName === 'node-2');
  }, { what: '6 live pods on node-1 and node-2' });
  assert.deepEqual(await f.spread('default', 'app=web'), { 'node-1': 3, 'node-2': 3 });
  for (const name of onNode3) {
    const p = (await f.pods('default', 'app=web')).find((x) => x.metadata.name === name);
    if (!p) continue; // fine either way: gone or Terminating
    assert.ok(p.metadata.deletionTimestamp, `${name} is being deleted`);
    assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False', `${name} marked not ready`);
  }
  await until(async () => ok(await f.kubectl('get', 'events', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}')).includes('TaintManagerEviction'), { what: 'TaintManagerEviction event' });

  // The node comes back: the taints go (Ready itself comes from the kubelet's next status).
  f.upNodes.add('node-3');
  await until(async () => ((await f.client.get<NodeLike>(R.nodes, undefined, 'node-3')).spec?.taints ?? []).length === 0, { what: 'taints removed' });

  // Deleting a node removes the pods still bound to it: nothing would ever finish them.
  f.upNodes.delete('node-3');
  await f.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stranded' }, spec: { nodeName: 'node-3', containers: [{ name: 'main', image: 'web.wasm' }] } });
  ok(await f.kubectl('delete', 'node', 'node-3'));
  await until(async () => (await f.pods('default')).every((p) => p.spec.nodeName !== 'node-3'), { what: 'no pod left on the deleted node' });
});

test('a node reporting Ready=False gets the not-ready taints until it is Ready again', async () => {
  await f.addNode('node-4', '2', '4Gi');
  const setReady = (status: string) =>
    f.client.patch(R.nodes, undefined, 'node-4', 'strategic', { status: { conditions: [{ type: 'Ready', status, reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: new Date().toISOString() }] } }, 'status');
  const taints = async () => ((await f.client.get<NodeLike>(R.nodes, undefined, 'node-4')).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
  await setReady('False');
  await until(async () => (await taints()).length === 2, { what: 'not-ready taints' });
  assert.deepEqual(await taints(), ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
  await setReady('True');
  await until(async () => (await taints()).length === 0, { what: 'taints removed' });
});
