import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { pod, startFixture } from './testing/fixture.js';

/** node:http, because the server may answer 413 (and drop the connection) before the upload ends. */
function rawPost(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PODS = '/api/v1/namespaces/default/pods';

test('system namespaces exist on start', async (t) => {
  const f = await startFixture(t);
  const r = await f.call('GET', '/api/v1/namespaces');
  const names = r.body.items.map((n: { metadata: { name: string } }) => n.metadata.name).sort();
  assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  assert.equal(r.body.kind, 'NamespaceList');
  assert.equal(r.body.metadata.resourceVersion, String(f.store.currentRevision()));
  for (const n of r.body.items) assert.equal(n.status.phase, 'Active');
});

test('create sets metadata as Kubernetes does; get and list stamp resourceVersion and kind', async (t) => {
  const f = await startFixture(t);
  const c = await f.call('POST', PODS, { ...pod('web-1'), metadata: { name: 'web-1', labels: { app: 'web' }, annotations: { a: 'b' }, uid: 'mine', resourceVersion: '999' } });
  assert.equal(c.status, 201);
  const md = c.body.metadata;
  assert.match(md.uid, /^[0-9a-f-]{36}$/);
  assert.notEqual(md.uid, 'mine');
  assert.match(md.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(md.generation, 1);
  assert.equal(md.namespace, 'default');
  assert.equal(md.resourceVersion, String(f.store.currentRevision()));
  assert.deepEqual(md.labels, { app: 'web' });
  assert.deepEqual(md.annotations, { a: 'b' });
  assert.equal(c.body.status.phase, 'Pending');
  assert.equal(c.body.status.qosClass, 'BestEffort');
  assert.equal(c.body.status.conditions, undefined, 'PodScheduled is the scheduler’s to set');

  const g = await f.call('GET', `${PODS}/web-1`);
  assert.equal(g.body.kind, 'Pod');
  assert.equal(g.body.apiVersion, 'v1');
  assert.equal(g.body.metadata.resourceVersion, md.resourceVersion);

  const all = await f.call('GET', '/api/v1/pods');
  assert.equal(all.body.kind, 'PodList');
  assert.equal(all.body.items.length, 1);
  assert.equal(all.body.items[0].kind, 'Pod');

  const dup = await f.call('POST', PODS, pod('web-1'));
  assert.equal(dup.status, 409);
  assert.equal(dup.body.reason, 'AlreadyExists');
  assert.equal(dup.body.message, 'pods "web-1" already exists');

  const missing = await f.call('GET', `${PODS}/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.message, 'pods "nope" not found');
});

test('generateName gets a 5-character suffix', async (t) => {
  const f = await startFixture(t);
  const names = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const r = await f.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'cfg-' }, data: { a: 'b' } });
    assert.equal(r.status, 201);
    assert.match(r.body.metadata.name, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    names.add(r.body.metadata.name);
  }
  assert.equal(names.size, 5);
});

test('namespace checks on create: missing → 404, mismatch → 400; kind/apiVersion mismatch → 400', async (t) => {
  const f = await startFixture(t);
  const r = await f.call('POST', '/api/v1/namespaces/nowhere/pods', pod('a'));
  assert.equal(r.status, 404);
  assert.equal(r.body.message, 'namespaces "nowhere" not found');
  const mm = await f.call('POST', PODS, { ...pod('a'), metadata: { name: 'a', namespace: 'kube-system' } });
  assert.equal(mm.status, 400);
  const kind = await f.call('POST', PODS, { ...pod('a'), kind: 'ConfigMap' });
  assert.equal(kind.status, 400);
  assert.equal(kind.body.reason, 'BadRequest');
  const av = await f.call('POST', PODS, { ...pod('a'), apiVersion: 'apps/v1' });
  assert.equal(av.status, 400);
  assert.match(av.body.message, /does not match the expected API version \(v1\)/);
  const node = await f.call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '2' } } });
  assert.equal(node.status, 201);
  assert.equal(node.body.metadata.namespace, undefined);
  assert.deepEqual(node.body.status, { capacity: { cpu: '2' } }, 'a node registers with its status');
  const nsNode = await f.call('GET', '/api/v1/namespaces/default/nodes/n1');
  assert.equal(nsNode.status, 404);
});

test('update: stale resourceVersion → 409, generation bumps on spec change only, status ignored on the main resource', async (t) => {
  const f = await startFixture(t);
  const dep = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', labels: { app: 'd' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'm', image: 'x' }] } } },
  };
  const path = '/apis/apps/v1/namespaces/default/deployments';
  const c = await f.call('POST', path, dep);
  assert.equal(c.status, 201);
  const rv1 = c.body.metadata.resourceVersion;

  const labelled = structuredClone(c.body);
  labelled.metadata.labels.x = 'y';
  labelled.status = { replicas: 7 };
  const u1 = await f.call('PUT', `${path}/d`, labelled);
  assert.equal(u1.status, 200);
  assert.equal(u1.body.metadata.generation, 1, 'metadata-only change keeps generation');
  assert.notEqual(u1.body.status?.replicas, 7, 'status is not changed through the main resource');
  assert.notEqual(u1.body.metadata.resourceVersion, rv1);

  const stale = structuredClone(c.body);
  stale.spec.replicas = 5;
  const conflict = await f.call('PUT', `${path}/d`, stale);
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.reason, 'Conflict');

  const fresh = structuredClone(u1.body);
  fresh.spec.replicas = 5;
  const u2 = await f.call('PUT', `${path}/d`, fresh);
  assert.equal(u2.status, 200);
  assert.equal(u2.body.metadata.generation, 2);
  assert.equal(u2.body.metadata.uid, c.body.metadata.uid);
  assert.equal(u2.body.metadata.creationTimestamp, c.body.metadata.creationTimestamp);

  const st = structuredClone(u2.body);
  st.status = { replicas: 3, observedGeneration: 2 };
  st.spec.replicas = 9;
  const s = await f.call('PUT', `${path}/d/status`, st);
  assert.equal(s.status, 200);
  assert.equal(s.body.status.replicas, 3);
  assert.equal(s.body.spec.replicas, 5, 'a status update changes only .status');
  assert.equal(s.body.metadata.generation, 2);

  const sp = await f.call('PATCH', `${path}/d/status`, JSON.stringify({ status: { readyReplicas: 2 } }), { 'content-type': 'application/merge-patch+json' });
  assert.equal(sp.status, 200);
  assert.equal(sp.body.status.readyReplicas, 2);

  const nameMismatch = await f.call('PUT', `${path}/other`, fresh);
  assert.equal(nameMismatch.status, 400);
  const absent = await f.call('PUT', '/api/v1/namespaces/default/configmaps/none', { metadata: { name: 'none' } });
  assert.equal(absent.status, 404);
});

test('validation → 422 with causes; Strict unknown fields → 400; Warn → Warning header; dryRun stores nothing', async (t) => {
  const f = await startFixture(t);
  const bad = await f.call('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name' }, spec: { containers: [] } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.reason, 'Invalid');
  assert.equal(bad.body.details.kind, 'Pod');
  assert.equal(bad.body.details.name, 'Bad_Name');
  assert.ok(bad.body.details.causes.some((c: { field: string }) => c.field === 'metadata.name'));
  assert.ok(bad.body.details.causes.some((c: { field: string }) => c.field === 'spec.containers'));

  const noName = await f.call('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: pod('x').spec });
  assert.equal(noName.status, 422);

  const unknown = { ...pod('u'), spec: { ...pod('u').spec, foo: 1 } };
  const strict = await f.call('POST', `${PODS}?fieldValidation=Strict`, unknown);
  assert.equal(strict.status, 400);
  assert.equal(strict.body.message, 'strict decoding error: unknown field "spec.foo"');
  const warn = await f.call('POST', `${PODS}?fieldValidation=Warn&dryRun=All`, unknown);
  assert.equal(warn.status, 201);
  assert.match(String(warn.headers.warning), /unknown field \\"spec.foo\\"/);

  const before = f.store.currentRevision();
  const dry = await f.call('POST', `${PODS}?dryRun=All`, pod('dry'));
  assert.equal(dry.status, 201);
  assert.equal(dry.body.metadata.name, 'dry');
  assert.equal(f.store.currentRevision(), before);
  assert.equal((await f.call('GET', `${PODS}/dry`)).status, 404);
});

test('bodies: malformed JSON/YAML → 400, protobuf and unknown types → 415, oversized → 413; YAML accepted', async (t) => {
  const f = await startFixture(t);
  const bad = await f.call('POST', PODS, '{"apiVersion": "v1", kind', { 'content-type': 'application/json' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.reason, 'BadRequest');
  const badYaml = await f.call('POST', PODS, 'a: [b\n c: d', { 'content-type': 'application/yaml' });
  assert.equal(badYaml.status, 400);
  const yaml = await f.call('POST', PODS, 'apiVersion: v1\nkind: Pod\nmetadata: {name: y}\nspec:\n  containers: [{name: m, image: i}]\n', { 'content-type': 'application/yaml' });
  assert.equal(yaml.status, 201);
  const pb = await f.call('POST', PODS, 'k8s\0binary', { 'content-type': 'application/vnd.kubernetes.protobuf' });
  assert.equal(pb.status, 415);
  assert.equal(pb.body.reason, 'UnsupportedMediaType');
  assert.match(pb.body.message, /kubectl create -f/);
  const xml = await f.call('POST', PODS, '<pod/>', { 'content-type': 'application/xml' });
  assert.equal(xml.status, 415);
  const big = await rawPost(`${f.url}/api/v1/namespaces/default/configmaps`, JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(4 * 1024 * 1024) } }));
  assert.equal(big.status, 413);
  assert.equal(JSON.parse(big.text).reason, 'RequestEntityTooLarge');
  const arr = await f.call('POST', PODS, '[1,2]');
  assert.equal(arr.status, 400);
  // The server is still healthy after all of that.
  assert.equal((await f.call('GET', '/healthz')).text, 'ok');
});
