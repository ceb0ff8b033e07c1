// A real client library against our control plane: @kubernetes/client-node 1.4.0 with a kubeconfig.
// List, a raw Watch, and an informer that survives a control-plane restart and resyncs its cache.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { TestCluster } from './harness/cluster.js';
import { kubeconfigYaml } from './harness/kubeconfig.js';
import { until } from './harness/poll.js';

let cluster: TestCluster;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

const NS = 'default';

function pod(name: string, labels: Record<string, string> = { app: name }): k8s.V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'registry.local/hello:1' }] },
  };
}

before(async () => {
  cluster = await TestCluster.start('client-node');
  kc = new k8s.KubeConfig();
  // The kubeconfig carries insecure-skip-tls-verify: client-node 1.4 refuses http:// without it.
  kc.loadFromString(kubeconfigYaml(cluster.url));
  core = kc.makeApiClient(k8s.CoreV1Api);
});

after(async () => {
  await cluster?.close();
});

test('create and list pods, with a label selector', async () => {
  const created = await core.createNamespacedPod({ namespace: NS, body: pod('cn-a', { app: 'cn', n: 'a' }) });
  assert.equal(created.metadata?.name, 'cn-a');
  assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
  await core.createNamespacedPod({ namespace: NS, body: pod('cn-b', { app: 'cn', n: 'b' }) });

  const list = await core.listNamespacedPod({ namespace: NS });
  assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
  assert.deepEqual(list.items.map((p) => p.metadata?.name), ['cn-a', 'cn-b']);
  assert.equal(list.items[0].spec?.containers[0].image, 'registry.local/hello:1');

  const selected = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=cn,n!=a' });
  assert.deepEqual(selected.items.map((p) => p.metadata?.name), ['cn-b']);

  await assert.rejects(core.readNamespacedPod({ namespace: NS, name: 'missing' }), (err: any) => err.code === 404);
});

test('Watch sees ADDED, MODIFIED and DELETED for changes made through the API', async () => {
  const events: Array<{ type: string; name: string; rv: string }> = [];
  let ended: unknown = 'open';
  const watch = new k8s.Watch(kc);
  const controller = await watch.watch(
    `/api/v1/namespaces/${NS}/pods`,
    {},
    (type: string, obj: k8s.V1Pod) => events.push({ type, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion ?? '' }),
    (err: unknown) => (ended = err),
  );
  try {
    // A watch without resourceVersion starts with a synthetic ADDED for every existing object.
    await until(() => events.filter((e) => e.type === 'ADDED').length >= 2, { what: 'the initial ADDED events' });
    assert.deepEqual(events.slice(0, 2).map((e) => `${e.type} ${e.name}`), ['ADDED cn-a', 'ADDED cn-b']);

    await core.createNamespacedPod({ namespace: NS, body: pod('cn-w') });
    await core.patchNamespacedPod(
      { namespace: NS, name: 'cn-w', body: { metadata: { labels: { touched: 'yes' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedPod({ namespace: NS, name: 'cn-w' });

    const mine = await until(
      () => {
        const e = events.filter((x) => x.name === 'cn-w');
        return e.some((x) => x.type === 'DELETED') && e;
      },
      { what: 'DELETED cn-w' },
    );
    assert.deepEqual(mine.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    const rvs = mine.map((e) => Number(e.rv));
    assert.ok(rvs[0] < rvs[1] && rvs[1] < rvs[2], `resourceVersions increase: ${rvs.join(' ')}`);
    assert.equal(ended, 'open', 'the watch stays open');
  } finally {
    controller.abort();
  }
});

test('an informer fills its cache, follows changes and resyncs across a control-plane restart', async () => {
  const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${NS}/pods`, () => core.listNamespacedPod({ namespace: NS }));
  const added: string[] = [];
  const updated: string[] = [];
  const deleted: string[] = [];
  informer.on('add', (p) => added.push(p.metadata!.name!));
  informer.on('update', (p) => updated.push(p.metadata!.name!));
  informer.on('delete', (p) => deleted.push(p.metadata!.name!));
  let connects = 0;
  informer.on('connect', () => connects++);
  // client-node does not restart an informer after a watch error; applications call start() again.
  let serverUp = true;
  let restartPending = false;
  let restarts = 0;
  informer.on('error', () => {
    if (!serverUp) restartPending = true;
    else if (restarts++ < 20) void informer.start();
  });
  const names = () => informer.list(NS).map((p) => p.metadata!.name!).sort();

  await informer.start();
  try {
    await until(() => names().join() === 'cn-a,cn-b', { what: 'the informer cache after the initial list' });
    await core.createNamespacedPod({ namespace: NS, body: pod('inf-1') });
    await until(() => added.includes('inf-1'), { what: 'add inf-1' });
    await core.patchNamespacedPod(
      { namespace: NS, name: 'cn-a', body: { metadata: { labels: { touched: 'yes' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(() => updated.includes('cn-a'), { what: 'update cn-a' });

    // Restart the control plane on the same data dir and port, change things, and let the informer
    // catch up: either by resuming its watch from the last resourceVersion or, after a 410, by re-listing.
    serverUp = false;
    await cluster.restart();
    serverUp = true;
    await core.deleteNamespacedPod({ namespace: NS, name: 'inf-1' });
    await core.createNamespacedPod({ namespace: NS, body: pod('inf-2') });
    if (restartPending) void informer.start();

    await until(() => names().join() === 'cn-a,cn-b,inf-2', { what: 'the informer cache after the restart', timeoutMs: 15_000 });
    assert.ok(connects >= 2, `the informer reconnected after the restart (${connects} connects)`);
    assert.ok(deleted.includes('inf-1'), `delete handler saw inf-1: ${deleted.join()}`);
    assert.ok(added.includes('inf-2'));
    assert.equal(informer.get('cn-a', NS)?.metadata?.labels?.touched, 'yes');
  } finally {
    await informer.stop();
  }
});
