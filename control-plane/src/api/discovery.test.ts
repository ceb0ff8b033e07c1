import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture } from './testing/fixture.js';

const AGG_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

test('version, health and legacy discovery', async (t) => {
  const f = await startFixture(t);
  const v = await f.call('GET', '/version?timeout=32s');
  assert.equal(v.body.major, '1');
  assert.equal(v.body.minor, '32');
  assert.equal(v.body.gitVersion, 'v1.32.0-wasmkube');
  for (const p of ['/healthz', '/readyz', '/livez']) {
    const r = await f.call('GET', p);
    assert.equal(r.status, 200);
    assert.equal(r.text, 'ok');
  }

  const api = await f.call('GET', '/api');
  assert.equal(api.headers['content-type'], 'application/json');
  assert.deepEqual(api.body.versions, ['v1']);

  const apis = await f.call('GET', '/apis');
  const groups = apis.body.groups.map((g: { name: string }) => g.name);
  assert.ok(groups.includes('apps') && groups.includes('batch') && groups.includes('coordination.k8s.io'));
  // Every advertised group-version must answer, or kubectl prints errors on every command.
  for (const grp of apis.body.groups as { preferredVersion: { groupVersion: string } }[]) {
    assert.equal((await f.call('GET', `/apis/${grp.preferredVersion.groupVersion}`)).status, 200, grp.preferredVersion.groupVersion);
  }

  const v1 = await f.call('GET', '/api/v1');
  const byName = new Map(v1.body.resources.map((r: { name: string }) => [r.name, r]));
  const pods = byName.get('pods') as Record<string, unknown>;
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  assert.equal(pods.singularName, 'pod');
  assert.equal(pods.namespaced, true);
  assert.ok(byName.has('pods/status') && byName.has('pods/binding') && byName.has('pods/log'));
  assert.equal((byName.get('pods/eviction') as Record<string, unknown>).group, 'policy');
  assert.equal((byName.get('nodes') as Record<string, unknown>).namespaced, false);

  const apps = await f.call('GET', '/apis/apps/v1');
  const scale = apps.body.resources.find((r: { name: string }) => r.name === 'deployments/scale');
  assert.equal(scale.kind, 'Scale');
  assert.equal(scale.group, 'autoscaling');
  const g = await f.call('GET', '/apis/apps');
  assert.equal(g.body.preferredVersion.groupVersion, 'apps/v1');
});

test('aggregated discovery answers with its exact content type', async (t) => {
  const f = await startFixture(t);
  const api = await f.call('GET', '/api', undefined, { accept: AGG_ACCEPT });
  assert.equal(api.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(api.body.kind, 'APIGroupDiscoveryList');
  const core = api.body.items[0];
  assert.equal(core.metadata.name, '');
  const pods = core.versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
  assert.equal(pods.scope, 'Namespaced');
  assert.ok(pods.subresources.some((s: { subresource: string }) => s.subresource === 'status'));

  const apis = await f.call('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' });
  assert.equal(apis.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
  assert.ok(apis.body.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'apps'));
});

test('openapi v3 index and documents are served; unknown paths are 404 Status; wrong methods 405', async (t) => {
  const f = await startFixture(t);
  const idx = await f.call('GET', '/openapi/v3');
  const url = idx.body.paths['api/v1'].serverRelativeURL as string;
  const doc = await f.call('GET', url);
  assert.equal(doc.status, 200);
  assert.ok(Object.keys(doc.body.paths).length > 0);

  const nf = await f.call('GET', '/apis/nope.example.com/v1/things');
  assert.equal(nf.status, 404);
  assert.equal(nf.body.kind, 'Status');
  assert.equal(nf.body.reason, 'NotFound');
  const nf2 = await f.call('GET', '/api/v1/foos');
  assert.equal(nf2.status, 404);
  const m = await f.call('POST', '/version', {});
  assert.equal(m.status, 405);
  assert.equal(m.body.reason, 'MethodNotAllowed');
  const m2 = await f.call('PUT', '/api/v1/namespaces/default/pods', {});
  assert.equal(m2.status, 405);
});
