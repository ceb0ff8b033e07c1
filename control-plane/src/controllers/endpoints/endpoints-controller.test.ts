import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, type Json, type Fixture } from '../../api/testing/fixture.js';
import { until } from '../../api/testing/until.js';
import { startControllers } from '../index.js';

const NS = '/api/v1/namespaces/default';
const SLICES = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';

async function addPod(f: Fixture, name: string, ip: string, ready: boolean, ports: Json[] = []): Promise<void> {
  const r = await f.call('POST', `${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'web.wasm', ports }] },
  });
  assert.equal(r.status, 201, r.text);
  await setReady(f, name, ready, ip);
}

async function setReady(f: Fixture, name: string, ready: boolean, ip?: string): Promise<void> {
  const status = { phase: 'Running', ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  const r = await f.call('PATCH', `${NS}/pods/${name}/status`, JSON.stringify({ status }), { 'content-type': 'application/merge-patch+json' });
  assert.equal(r.status, 200, r.text);
}

const ips = (xs: Json[] | undefined) => (xs ?? []).map((a) => a.ip as string);

test('Endpoints and EndpointSlices follow pod readiness, named target ports, termination and the Service itself', async (t) => {
  const f = await startFixture(t);
  const cm = await startControllers(f.url);
  t.after(() => cm.stop());
  await addPod(f, 'a', '127.244.0.2', true, [{ name: 'web', containerPort: 8080 }]);
  await addPod(f, 'b', '127.244.0.3', false, [{ name: 'web', containerPort: 8081 }]);
  await addPod(f, 'c', '127.244.0.4', true); // no port named "web"
  const svc = await f.call('POST', `${NS}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', labels: { tier: 'front' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'raw', port: 81, targetPort: 9000 }] },
  });
  assert.equal(svc.status, 201, svc.text);

  // Subsets group pods by the ports they resolve to: a→8080, b→8081, c has only 9000.
  const ep = await until('endpoints', async () => {
    const r = await f.call('GET', `${NS}/endpoints/web`);
    return r.status === 200 && (r.body.subsets ?? []).length === 3 ? r.body : undefined;
  });
  assert.equal(ep.metadata.labels.tier, 'front');
  const byIp = (ip: string) => ep.subsets.find((s: Json) => [...ips(s.addresses), ...ips(s.notReadyAddresses)].includes(ip));
  assert.deepEqual(byIp('127.244.0.2').ports, [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'raw', port: 9000, protocol: 'TCP' }]);
  assert.deepEqual(ips(byIp('127.244.0.3').notReadyAddresses), ['127.244.0.3']);
  assert.equal(byIp('127.244.0.3').addresses, undefined);
  assert.deepEqual(byIp('127.244.0.4').ports, [{ name: 'raw', port: 9000, protocol: 'TCP' }]);
  const a = byIp('127.244.0.2').addresses[0];
  assert.equal(a.nodeName, 'node-1');
  assert.equal(a.targetRef.kind, 'Pod');
  assert.equal(a.targetRef.name, 'a');

  const slices = async () => (await f.call('GET', `${SLICES}?labelSelector=kubernetes.io/service-name%3Dweb`)).body.items as Json[];
  const sl = await until('3 slices', async () => { const x = await slices(); return x.length === 3 ? x : undefined; });
  for (const s of sl) {
    assert.equal(s.addressType, 'IPv4');
    assert.equal(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(s.metadata.ownerReferences[0].uid, svc.body.metadata.uid);
  }
  const ofB = sl.flatMap((s) => s.endpoints ?? []).find((e: Json) => e.addresses[0] === '127.244.0.3');
  assert.deepEqual(ofB.conditions, { ready: false, serving: false, terminating: false });

  // b turns ready → it moves to addresses and its slice endpoint says ready.
  await setReady(f, 'b', true);
  await until('b ready', async () => {
    const r = await f.call('GET', `${NS}/endpoints/web`);
    return r.body.subsets?.some((s: Json) => ips(s.addresses).includes('127.244.0.3'));
  });
  await until('b ready in slice', async () => (await slices()).flatMap((s) => s.endpoints ?? []).some((e: Json) => e.addresses[0] === '127.244.0.3' && e.conditions.ready));

  // a is deleted gracefully (bound to a node): it leaves Endpoints, and the slice lists it terminating, not ready.
  assert.equal((await f.call('DELETE', `${NS}/pods/a`, { gracePeriodSeconds: 30 })).status, 200);
  await until('a out of Endpoints', async () => {
    const r = await f.call('GET', `${NS}/endpoints/web`);
    return !r.body.subsets?.some((s: Json) => [...ips(s.addresses), ...ips(s.notReadyAddresses)].includes('127.244.0.2'));
  });
  const term = await until('a terminating', async () =>
    (await slices()).flatMap((s) => s.endpoints ?? []).find((e: Json) => e.addresses[0] === '127.244.0.2' && e.conditions.terminating),
  );
  assert.deepEqual(term.conditions, { ready: false, serving: true, terminating: true });

  // The Service goes → its Endpoints and slices go.
  assert.equal((await f.call('DELETE', `${NS}/services/web`)).status, 200);
  await until('cleanup', async () => (await f.call('GET', `${NS}/endpoints/web`)).status === 404 && (await slices()).length === 0);
});

test('a Service with no matching pods gets empty Endpoints and one placeholder slice; one without a selector is left alone', async (t) => {
  const f = await startFixture(t);
  const cm = await startControllers(f.url);
  t.after(() => cm.stop());
  await f.call('POST', `${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lonely' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
  await f.call('POST', `${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
  const mine = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '127.0.0.9' }], ports: [{ port: 80 }] }] };
  assert.equal((await f.call('POST', `${NS}/endpoints`, mine)).status, 201);
  const slice = await until('placeholder', async () => {
    const items = (await f.call('GET', `${SLICES}?labelSelector=kubernetes.io/service-name%3Dlonely`)).body.items as Json[];
    return items.length === 1 ? items[0] : undefined;
  });
  assert.deepEqual(slice.endpoints ?? [], []);
  const ep = await until('empty endpoints', async () => {
    const r = await f.call('GET', `${NS}/endpoints/lonely`);
    return r.status === 200 ? r.body : undefined;
  });
  assert.deepEqual(ep.subsets ?? [], []);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual((await f.call('GET', `${NS}/endpoints/manual`)).body.subsets[0].addresses, [{ ip: '127.0.0.9' }]);
});
