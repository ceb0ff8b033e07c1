import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { findResource } from './resources.js';
import { ApiError } from './status.js';
import { startFixture } from "./testing/fixture.js";
import type { Reply } from "./testing/fixture.js";

const PODS = findResource('', 'v1', 'pods')!;
const EVENTS = findResource('', 'v1', 'events')!;
const obj = (labels: Record<string, string>) => ({ metadata: { name: 'n', labels } });

test('label selectors: equality and set-based', () => {
  const m = (sel: string, labels: Record<string, string>) => parseLabelSelector(sel).matches(obj(labels));
  assert.ok(m('app=web', { app: 'web' }));
  assert.ok(m('app==web', { app: 'web' }));
  assert.ok(!m('app!=web', { app: 'web' }));
  assert.ok(m('app!=web', {}));
  assert.ok(m('app in (web, api)', { app: 'api' }));
  assert.ok(!m('app in (web,api)', { app: 'db' }));
  assert.ok(m('app notin (web)', { app: 'db' }));
  assert.ok(m('app notin (web)', {}));
  assert.ok(m('app', { app: '' }));
  assert.ok(!m('app', {}));
  assert.ok(m('!app', {}));
  assert.ok(m('app in (a,b),tier=x,!gone', { app: 'b', tier: 'x' }));
  assert.ok(!m('app in (a,b),tier=x', { app: 'b', tier: 'y' }));
  assert.ok(m('example.com/role=x', { 'example.com/role': 'x' }));
  assert.ok(parseLabelSelector('').empty);
  for (const bad of ['app=(x', 'a b', 'app in x', '=x', 'app=x,', 'app=a b']) {
    assert.throws(() => parseLabelSelector(bad), (e: unknown) => e instanceof ApiError && e.code === 400, bad);
  }
});

test('field selectors: per-kind fields, =, ==, !=, comma-joined; unsupported fields are 400', () => {
  const p = { metadata: { name: 'a', namespace: 'default' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  assert.ok(parseFieldSelector('spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed', PODS).matches(p));
  assert.ok(!parseFieldSelector('spec.nodeName==n2', PODS).matches(p));
  assert.ok(parseFieldSelector('spec.nodeName=', PODS).matches({ metadata: {}, spec: {} }), 'unset compares as empty');
  assert.ok(parseFieldSelector('metadata.name=a,metadata.namespace=default', PODS).matches(p));
  const ev = { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'a', namespace: 'default', uid: 'u1' }, type: 'Warning', reason: 'FailedScheduling' };
  assert.ok(parseFieldSelector('involvedObject.name=a,involvedObject.namespace=default,involvedObject.uid=u1', EVENTS).matches(ev));
  assert.ok(!parseFieldSelector('involvedObject.uid=u2', EVENTS).matches(ev));
  assert.ok(parseFieldSelector('type=Warning,reason=FailedScheduling', EVENTS).matches(ev));
  assert.throws(() => parseFieldSelector('spec.foo=1', PODS), (e: unknown) => e instanceof ApiError && e.code === 400 && /field label not supported: spec.foo/.test(e.message));
  assert.throws(() => parseFieldSelector('nonsense', PODS), (e: unknown) => e instanceof ApiError && e.code === 400);
});

test('list filters by selectors over HTTP; a bad selector is a 400 Status', async (t) => {
  const f = await startFixture(t);
  const mk = (name: string, app: string, nodeName?: string) =>
    f.call('POST', '/api/v1/namespaces/default/pods', { metadata: { name, labels: { app } }, spec: { containers: [{ name: 'm', image: 'i' }], ...(nodeName ? { nodeName } : {}) } });
  await mk('a', 'web', 'n1');
  await mk('b', 'web');
  await mk('c', 'db', 'n1');
  const names = (r: Reply) => (r.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
  assert.deepEqual(names(await f.call('GET', '/api/v1/pods?labelSelector=app%3Dweb')), ['a', 'b']);
  assert.deepEqual(names(await f.call('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dn1&labelSelector=app%20notin%20(web)')), ['c']);
  const bad = await f.call('GET', '/api/v1/pods?labelSelector=app%20in%20x');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.kind, 'Status');
  const badField = await f.call('GET', '/api/v1/pods?fieldSelector=spec.image%3Dx');
  assert.equal(badField.status, 400);
  assert.equal(badField.body.message, 'field label not supported: spec.image');
});
