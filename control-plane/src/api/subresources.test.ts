import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { pod, startFixture } from './testing/fixture.js';

const PODS = '/api/v1/namespaces/default/pods';

function deployment(name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      template: { metadata: { labels: { app: name, tier: 'a' } }, spec: { containers: [{ name: 'm', image: 'x' }] } },
    },
  };
}

test('scale: GET a Scale, PUT without Content-Type, PATCH merge; generation follows', async (t) => {
  const f = await startFixture(t);
  const path = '/apis/apps/v1/namespaces/default/deployments';
  await f.call('POST', path, deployment('d', 2));
  const s = await f.call('GET', `${path}/d/scale`);
  assert.equal(s.body.kind, 'Scale');
  assert.equal(s.body.apiVersion, 'autoscaling/v1');
  assert.equal(s.body.spec.replicas, 2);
  assert.equal(s.body.status.selector, 'app=d,tier in (a,b)');

  // kubectl scale --current-replicas sends PUT …/scale with no Content-Type at all.
  const scale = { ...s.body, spec: { replicas: 4 } };
  const res = await request(`${f.url}${path}/d/scale`, { method: 'PUT', body: JSON.stringify(scale) });
  assert.equal(res.headers['content-type'], 'application/json');
  const put = (await res.body.json()) as { spec: { replicas: number } };
  assert.equal(res.statusCode, 200);
  assert.equal(put.spec.replicas, 4);
  const stale = await f.call('PUT', `${path}/d/scale`, scale);
  assert.equal(stale.status, 409, 'the Scale carried an old resourceVersion');

  const p = await f.call('PATCH', `${path}/d/scale`, JSON.stringify({ spec: { replicas: 6 } }), { 'content-type': 'application/merge-patch+json' });
  assert.equal(p.status, 200);
  assert.equal(p.body.spec.replicas, 6);
  const d = await f.call('GET', `${path}/d`);
  assert.equal(d.body.spec.replicas, 6);
  assert.equal(d.body.metadata.generation, 3);

  await f.call('POST', '/api/v1/namespaces/default/replicationcontrollers', {
    metadata: { name: 'rc' },
    spec: { replicas: 1, selector: { app: 'rc' }, template: { metadata: { labels: { app: 'rc' } }, spec: { containers: [{ name: 'm', image: 'x' }] } } },
  });
  const rc = await f.call('GET', '/api/v1/namespaces/default/replicationcontrollers/rc/scale');
  assert.equal(rc.body.status.selector, 'app=rc');
  const neg = await f.call('PATCH', `${path}/d/scale`, JSON.stringify({ spec: { replicas: -1 } }), { 'content-type': 'application/merge-patch+json' });
  assert.equal(neg.status, 422);
  assert.equal((await f.call('GET', `${PODS}/x/scale`)).status, 404, 'pods have no scale subresource');
});

test('binding sets spec.nodeName and PodScheduled; a bound pod → 409; the bindings collection works too', async (t) => {
  const f = await startFixture(t);
  await f.call('POST', PODS, pod('a'));
  await f.call('POST', PODS, pod('b'));
  const b = await f.call('POST', `${PODS}/a/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'a' }, target: { kind: 'Node', name: 'n1' } });
  assert.equal(b.status, 201);
  assert.equal(b.body.status, 'Success');
  const a = await f.call('GET', `${PODS}/a`);
  assert.equal(a.body.spec.nodeName, 'n1');
  assert.equal(a.body.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled').status, 'True');
  const again = await f.call('POST', `${PODS}/a/binding`, { metadata: { name: 'a' }, target: { name: 'n2' } });
  assert.equal(again.status, 409);
  assert.match(again.body.message, /already assigned to node "n1"/);
  const coll = await f.call('POST', '/api/v1/namespaces/default/bindings', { metadata: { name: 'b' }, target: { kind: 'Node', name: 'n2' } });
  assert.equal(coll.status, 201);
  assert.equal((await f.call('GET', `${PODS}/b`)).body.spec.nodeName, 'n2');
  assert.equal((await f.call('POST', `${PODS}/zz/binding`, { metadata: { name: 'zz' }, target: { name: 'n1' } })).status, 404);
});

test('eviction deletes the pod and answers 201 Success; node-agent subresources answer 503 for now', async (t) => {
  const f = await startFixture(t);
  await f.call('POST', PODS, pod('e'));
  const ev = await f.call('POST', `${PODS}/e/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'e', namespace: 'default' } });
  assert.equal(ev.status, 201);
  assert.equal(ev.body.status, 'Success');
  assert.equal((await f.call('GET', `${PODS}/e`)).status, 404);
  const log = await f.call('GET', `${PODS}/e/log?container=main`);
  assert.equal(log.status, 503);
  assert.equal(log.body.reason, 'ServiceUnavailable');
});

test('PATCH: strategic merge by key, JSON patch, server-side apply creates (201) then updates; bad type → 415', async (t) => {
  const f = await startFixture(t);
  const two = { ...pod('s'), spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } };
  await f.call('POST', PODS, two);
  const smp = await f.call('PATCH', `${PODS}/s`, JSON.stringify({ spec: { containers: [{ name: 'b', image: 'b:2' }] } }), { 'content-type': 'application/strategic-merge-patch+json' });
  assert.equal(smp.status, 200);
  assert.deepEqual(smp.body.spec.containers.map((c: { image: string }) => c.image), ['a:1', 'b:2']);
  const jp = await f.call('PATCH', `${PODS}/s`, JSON.stringify([{ op: 'replace', path: '/spec/containers/0/image', value: 'a:3' }]), { 'content-type': 'application/json-patch+json' });
  assert.equal(jp.body.spec.containers[0].image, 'a:3');
  assert.equal(jp.body.metadata.generation, 3);
  const rvPatch = await f.call('PATCH', `${PODS}/s`, JSON.stringify({ metadata: { resourceVersion: '1', labels: { a: 'b' } } }), { 'content-type': 'application/merge-patch+json' });
  assert.equal(rvPatch.status, 409);

  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } };
  const created = await f.call('PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=kubectl&force=false', JSON.stringify(cm), { 'content-type': 'application/apply-patch+yaml' });
  assert.equal(created.status, 201);
  const updated = await f.call('PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=kubectl', JSON.stringify({ ...cm, data: { a: '2' } }), { 'content-type': 'application/apply-patch+yaml' });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.data.a, '2');

  const bad = await f.call('PATCH', `${PODS}/s`, '{}', { 'content-type': 'application/json' });
  assert.equal(bad.status, 415);
  const missing = await f.call('PATCH', `${PODS}/nope`, '{}', { 'content-type': 'application/merge-patch+json' });
  assert.equal(missing.status, 404);
});
