// Garbage collection through ownerReferences (kubectl delete --cascade=background|foreground|orphan)
// and namespace deletion. No nodes and no scheduler: pods stay unbound, so deleting them is
// immediate and the tests see only what the garbage collector and namespace controller do.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { R, isNotFound, type KubeObject } from '@wasmkube/client';
import { ControllersFixture, ok, until } from './controllers-fixture.js';

let f: ControllersFixture;

before(async () => {
  f = await ControllersFixture.start('ctl-gc', { scheduler: false });
});

after(async () => {
  await f?.close();
});

const rsYaml = (name: string, replicas = 2, ns = 'default') => `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: main
        image: web.wasm
`;

const gone = async (ref: typeof R.pods, ns: string | undefined, name: string) => {
  try {
    await f.client.get(ref, ns, name);
    return false;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
};

async function podsOf(app: string, n: number): Promise<KubeObject[]> {
  return until(async () => {
    const ps = await f.pods('default', `app=${app}`);
    return ps.length === n ? ps : undefined;
  }, { what: `${n} pods of ${app}` });
}

test('background: deleting an owner deletes its dependents; a dependent with another owner only loses the reference', async () => {
  await f.apply(rsYaml('bg'));
  await podsOf('bg', 2);
  ok(await f.kubectl('delete', 'rs', 'bg'));
  await until(async () => (await f.pods('default', 'app=bg')).length === 0, { what: 'pods collected' });

  const a = await f.client.create(R.configmaps, 'default', { metadata: { name: 'owner-a' } });
  const b = await f.client.create(R.configmaps, 'default', { metadata: { name: 'owner-b' } });
  const ref = (o: KubeObject) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name as string, uid: o.metadata.uid as string });
  await f.client.create(R.configmaps, 'default', { metadata: { name: 'dep-both', ownerReferences: [ref(a), ref(b)] } });
  await f.client.create(R.configmaps, 'default', { metadata: { name: 'dep-a', ownerReferences: [ref(a)] } });
  // An owner reference to an object that never existed (same name, other uid) is dangling too.
  await f.client.create(R.configmaps, 'default', { metadata: { name: 'dep-ghost', ownerReferences: [{ ...ref(b), uid: '00000000-0000-0000-0000-000000000000' }] } });
  ok(await f.kubectl('delete', 'configmap', 'owner-a'));
  await until(() => gone(R.configmaps, 'default', 'dep-a'), { what: 'dep-a collected' });
  await until(() => gone(R.configmaps, 'default', 'dep-ghost'), { what: 'dep-ghost collected' });
  const both = await until(async () => {
    const o = await f.client.get(R.configmaps, 'default', 'dep-both');
    return o.metadata.ownerReferences?.length === 1 ? o : undefined;
  }, { what: 'dep-both keeps only owner-b' });
  assert.equal(both.metadata.ownerReferences![0].name, 'owner-b');
});

test('a Deployment deleted in the background takes its ReplicaSet and pods', async () => {
  await f.apply(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: chain
spec:
  replicas: 2
  selector:
    matchLabels:
      app: chain
  template:
    metadata:
      labels:
        app: chain
    spec:
      containers:
      - name: main
        image: web.wasm
`);
  await podsOf('chain', 2);
  ok(await f.kubectl('delete', 'deployment', 'chain'));
  await until(async () => (await f.pods('default', 'app=chain')).length === 0 && (await f.client.list(R.replicasets, 'default', { labelSelector: 'app=chain' })).items.length === 0, { what: 'RS and pods collected' });
});

test('foreground: the owner stays (foregroundDeletion) until its blocking dependents are gone', async () => {
  await f.apply(rsYaml('fg'));
  const pods = await podsOf('fg', 2);
  // Hold one pod with a finalizer so the owner has to wait for it.
  const held = pods[0].metadata.name as string;
  await f.client.patch(R.pods, 'default', held, 'merge', { metadata: { finalizers: ['example.com/hold'] } });
  ok(await f.kubectl('delete', 'rs', 'fg', '--cascade=foreground', '--wait=false'));
  const owner = await until(async () => {
    const rs = await f.client.get(R.replicasets, 'default', 'fg');
    return rs.metadata.deletionTimestamp ? rs : undefined;
  }, { what: 'owner marked for deletion' });
  assert.deepEqual(owner.metadata.finalizers, ['foregroundDeletion']);
  await until(() => gone(R.pods, 'default', pods[1].metadata.name as string), { what: 'the free pod deleted' });
  await until(async () => (await f.client.get(R.pods, 'default', held)).metadata.deletionTimestamp, { what: 'the held pod being deleted' });
  assert.ok(!(await gone(R.replicasets, 'default', 'fg')), 'the owner waits for the held pod');
  await f.client.patch(R.pods, 'default', held, 'merge', { metadata: { finalizers: null } });
  await until(() => gone(R.replicasets, 'default', 'fg'), { what: 'owner deleted after its dependents' });
});

test('foreground through two levels: Deployment → ReplicaSet (itself in the foreground) → pods', async () => {
  await f.apply(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: fgchain
spec:
  replicas: 2
  selector:
    matchLabels:
      app: fgchain
  template:
    metadata:
      labels:
        app: fgchain
    spec:
      containers:
      - name: main
        image: web.wasm
`);
  const pods = await podsOf('fgchain', 2);
  const held = pods[0].metadata.name as string;
  await f.client.patch(R.pods, 'default', held, 'merge', { metadata: { finalizers: ['example.com/hold'] } });
  ok(await f.kubectl('delete', 'deployment', 'fgchain', '--cascade=foreground', '--wait=false'));
  // The ReplicaSet has dependents of its own, so it is deleted in the foreground too, and both wait.
  const rs = await until(async () => {
    const items = (await f.client.list(R.replicasets, 'default', { labelSelector: 'app=fgchain' })).items;
    return items.length === 1 && items[0].metadata.deletionTimestamp ? items[0] : undefined;
  }, { what: 'ReplicaSet being deleted' });
  assert.deepEqual(rs.metadata.finalizers, ['foregroundDeletion']);
  assert.ok((await f.client.get(R.deployments, 'default', 'fgchain')).metadata.deletionTimestamp);
  await f.client.patch(R.pods, 'default', held, 'merge', { metadata: { finalizers: null } });
  await until(() => gone(R.deployments, 'default', 'fgchain'), { what: 'Deployment gone last' });
  assert.equal((await f.client.list(R.replicasets, 'default', { labelSelector: 'app=fgchain' })).items.length, 0);
  assert.equal((await f.pods('default', 'app=fgchain')).length, 0);
});

test('orphan: the owner goes, its dependents stay without the reference', async () => {
  await f.apply(rsYaml('orph'));
  const pods = await podsOf('orph', 2);
  ok(await f.kubectl('delete', 'rs', 'orph', '--cascade=orphan'));
  await until(() => gone(R.replicasets, 'default', 'orph'), { what: 'owner gone' });
  const after = await f.pods('default', 'app=orph');
  assert.deepEqual(after.map((p) => p.metadata.name).sort(), pods.map((p) => p.metadata.name).sort());
  for (const p of after) assert.equal(p.metadata.ownerReferences, undefined);
  for (const p of after) await f.client.delete(R.pods, 'default', p.metadata.name as string);
});

test('deleting a namespace removes everything in it, then the namespace', async () => {
  // (kubectl create namespace/configmap/secret send protobuf, which this API server does not decode.)
  await f.apply('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: doomed\n');
  await f.apply(rsYaml('inside', 3, 'doomed'));
  await f.apply('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: doomed\ndata:\n  a: b\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: sec\n  namespace: doomed\nstringData:\n  a: b\n');
  await until(async () => (await f.pods('doomed')).length === 3, { what: '3 pods in doomed' });
  // A finalizer on the config map holds the namespace in Terminating while everything else goes.
  await f.client.patch(R.configmaps, 'doomed', 'cfg', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
  assert.equal(ok(await f.kubectl('delete', 'namespace', 'doomed', '--wait=false')), 'namespace "doomed" deleted\n');
  await until(async () => (await f.pods('doomed')).length === 0 && (await f.client.list(R.secrets, 'doomed')).items.length === 0, { what: 'contents deleted' });
  const ns = await f.client.get<any>(R.namespaces, undefined, 'doomed');
  assert.equal(ns.status.phase, 'Terminating');
  assert.deepEqual(ns.spec.finalizers, ['kubernetes'], 'held by the config map');
  await f.client.patch(R.configmaps, 'doomed', 'cfg', 'merge', { metadata: { finalizers: null } });
  ok(await f.kubectl('wait', '--for=delete', 'namespace/doomed', '--timeout=30s'));
  assert.ok(await gone(R.namespaces, undefined, 'doomed'));
  for (const ref of [R.pods, R.replicasets, R.configmaps, R.secrets]) {
    assert.equal((await f.client.list(ref, 'doomed')).items.length, 0, ref.plural);
  }
});
