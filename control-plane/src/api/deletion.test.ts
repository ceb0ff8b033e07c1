import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pod, startFixture } from './testing/fixture.js';
import type { Fixture } from './testing/fixture.js';

const PODS = '/api/v1/namespaces/default/pods';
const CMS = '/api/v1/namespaces/default/configmaps';
const merge = { 'content-type': 'application/merge-patch+json' };

async function waitGone(f: Fixture, path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await f.call('GET', path)).status === 404) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`${path} still exists`);
}

test('finalizers hold a deleted object until an update removes them', async (t) => {
  const f = await startFixture(t);
  await f.call('POST', CMS, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  const d = await f.call('DELETE', `${CMS}/held`, { propagationPolicy: 'Background' });
  assert.equal(d.status, 200);
  assert.ok(d.body.metadata.deletionTimestamp);
  assert.equal(d.body.metadata.deletionGracePeriodSeconds, 0);
  const g = await f.call('GET', `${CMS}/held`);
  assert.equal(g.status, 200, 'still there');
  const again = await f.call('DELETE', `${CMS}/held`);
  assert.equal(again.status, 200);
  const u = await f.call('PATCH', `${CMS}/held`, JSON.stringify({ metadata: { finalizers: null } }), merge);
  assert.equal(u.status, 200);
  assert.equal((await f.call('GET', `${CMS}/held`)).status, 404);
});

test('immediate delete answers a Success Status (pods: the object); missing → 404; preconditions', async (t) => {
  const f = await startFixture(t);
  const c = await f.call('POST', CMS, { metadata: { name: 'x' } });
  const pre = await f.call('DELETE', `${CMS}/x`, { preconditions: { uid: 'not-the-uid' } });
  assert.equal(pre.status, 409);
  assert.match(pre.body.message, /Precondition failed: UID in precondition/);
  const preRv = await f.call('DELETE', `${CMS}/x`, { preconditions: { resourceVersion: '1' } });
  assert.equal(preRv.status, 409);
  const d = await f.call('DELETE', `${CMS}/x`, { preconditions: { uid: c.body.metadata.uid } });
  assert.equal(d.status, 200);
  assert.equal(d.body.kind, 'Status');
  assert.equal(d.body.status, 'Success');
  assert.equal(d.body.details.name, 'x');
  assert.equal((await f.call('DELETE', `${CMS}/x`)).status, 404);

  await f.call('POST', PODS, pod('p'));
  const dp = await f.call('DELETE', `${PODS}/p`);
  assert.equal(dp.status, 200);
  assert.equal(dp.body.kind, 'Pod', 'an unbound pod is deleted at once and returned');
  assert.equal((await f.call('GET', `${PODS}/p`)).status, 404);
});

test('a pod bound to a node is deleted gracefully; the node agent finishes with gracePeriodSeconds=0', async (t) => {
  const f = await startFixture(t);
  await f.call('POST', PODS, { ...pod('g'), spec: { ...pod('g').spec, terminationGracePeriodSeconds: 20 } });
  assert.equal((await f.call('POST', `${PODS}/g/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'g' }, target: { kind: 'Node', name: 'n1' } })).status, 201);
  const d = await f.call('DELETE', PODS + '/g', { propagationPolicy: 'Background' });
  assert.equal(d.status, 200);
  assert.equal(d.body.metadata.deletionGracePeriodSeconds, 20);
  const dt = Date.parse(d.body.metadata.deletionTimestamp);
  assert.ok(dt > Date.now() + 10_000, 'deletionTimestamp = now + grace');
  assert.equal((await f.call('GET', `${PODS}/g`)).status, 200);
  const shorter = await f.call('DELETE', `${PODS}/g?gracePeriodSeconds=5`);
  assert.equal(shorter.body.metadata.deletionGracePeriodSeconds, 5);
  const kubelet = await f.call('DELETE', `${PODS}/g`, { gracePeriodSeconds: 0 });
  assert.equal(kubelet.status, 200);
  assert.equal((await f.call('GET', `${PODS}/g`)).status, 404);
});

test('propagation policies store the garbage collector finalizers', async (t) => {
  const f = await startFixture(t);
  await f.call('POST', CMS, { metadata: { name: 'o' } });
  const o = await f.call('DELETE', `${CMS}/o`, { propagationPolicy: 'Orphan' });
  assert.deepEqual(o.body.metadata.finalizers, ['orphan']);
  assert.ok(o.body.metadata.deletionTimestamp);
  await f.call('POST', CMS, { metadata: { name: 'fg' } });
  const fg = await f.call('DELETE', `${CMS}/fg?propagationPolicy=Foreground`);
  assert.deepEqual(fg.body.metadata.finalizers, ['foregroundDeletion']);
  const bad = await f.call('DELETE', `${CMS}/fg`, { propagationPolicy: 'Sideways' });
  assert.equal(bad.status, 422);
});

test('namespace deletion: Terminating, contents removed, then the namespace; creating inside a terminating namespace → 403', async (t) => {
  const f = await startFixture(t);
  assert.equal((await f.call('POST', '/api/v1/namespaces', { metadata: { name: 'tmp' } })).status, 201);
  assert.equal((await f.call('POST', '/api/v1/namespaces/tmp/pods', pod('p'))).status, 201);
  assert.equal((await f.call('POST', '/api/v1/namespaces/tmp/configmaps', { metadata: { name: 'held', finalizers: ['example.com/hold'] } })).status, 201);
  const d = await f.call('DELETE', '/api/v1/namespaces/tmp');
  assert.equal(d.status, 200);
  assert.equal(d.body.status.phase, 'Terminating');
  assert.deepEqual(d.body.spec.finalizers, ['kubernetes']);
  await waitGone(f, '/api/v1/namespaces/tmp/pods/p');
  const ns = await f.call('GET', '/api/v1/namespaces/tmp');
  assert.equal(ns.status, 200, 'held by the finalizer on the config map');
  const refused = await f.call('POST', '/api/v1/namespaces/tmp/pods', pod('late'));
  assert.equal(refused.status, 403);
  assert.equal(refused.body.reason, 'Forbidden');
  assert.equal(refused.body.message, 'pods "late" is forbidden: unable to create new content in namespace tmp because it is being terminated');
  await f.call('PATCH', '/api/v1/namespaces/tmp/configmaps/held', JSON.stringify({ metadata: { finalizers: null } }), merge);
  await waitGone(f, '/api/v1/namespaces/tmp');
  const sys = await f.call('DELETE', '/api/v1/namespaces/default');
  assert.equal(sys.status, 403);
});

test('deletecollection deletes what the selector matches', async (t) => {
  const f = await startFixture(t);
  for (const [name, app] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) await f.call('POST', CMS, { metadata: { name, labels: { app } } });
  const d = await f.call('DELETE', `${CMS}?labelSelector=app%3Dx`);
  assert.equal(d.status, 200);
  assert.equal(d.body.items.length, 2);
  const left = await f.call('GET', CMS);
  assert.deepEqual(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['c']);
});
