import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startFixture, type Json } from '../testing/fixture.js';
import { openLevelStore } from '../../store/leveldb-store.js';
import { startApiServer } from '../../server.js';

const SVCS = '/api/v1/namespaces/default/services';
const svc = (name: string, spec: Json = {}): Json => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
const inRange = (ip: string) => /^127\.96\.\d+\.\d+$/.test(ip) && ip !== '127.96.0.0' && ip !== '127.96.255.255';

test('ClusterIP from the service range; headless gets None; an explicit free IP is honoured', async (t) => {
  const f = await startFixture(t);
  const ips = new Set<string>();
  for (const name of ['a', 'b', 'c']) {
    const r = await f.call('POST', SVCS, svc(name));
    assert.equal(r.status, 201, r.text);
    assert.ok(inRange(r.body.spec.clusterIP), r.body.spec.clusterIP);
    assert.notEqual(r.body.spec.clusterIP, '127.96.0.1', '.1 is the kubernetes Service');
    assert.deepEqual(r.body.spec.clusterIPs, [r.body.spec.clusterIP]);
    ips.add(r.body.spec.clusterIP);
    // What the create answered is what is stored.
    assert.equal((await f.call('GET', `${SVCS}/${name}`)).body.spec.clusterIP, r.body.spec.clusterIP);
  }
  assert.equal(ips.size, 3);
  const headless = await f.call('POST', SVCS, svc('h', { clusterIP: 'None' }));
  assert.equal(headless.status, 201, headless.text);
  assert.equal(headless.body.spec.clusterIP, 'None');
  assert.deepEqual(headless.body.spec.clusterIPs, ['None']);
  const fixed = await f.call('POST', SVCS, svc('fixed', { clusterIP: '127.96.7.7' }));
  assert.equal(fixed.status, 201, fixed.text);
  assert.equal(fixed.body.spec.clusterIP, '127.96.7.7');
});

test('a taken or out-of-range clusterIP is a 422 worded as Kubernetes words it; delete frees the IP', async (t) => {
  const f = await startFixture(t);
  assert.equal((await f.call('POST', SVCS, svc('one', { clusterIP: '127.96.3.3' }))).status, 201);
  const taken = await f.call('POST', SVCS, svc('two', { clusterIP: '127.96.3.3' }));
  assert.equal(taken.status, 422);
  assert.equal(taken.body.reason, 'Invalid');
  assert.equal(
    taken.body.message,
    'Service "two" is invalid: spec.clusterIPs: Invalid value: []string{"127.96.3.3"}: failed to allocate IP 127.96.3.3: provided IP is already allocated',
  );
  assert.deepEqual(taken.body.details.causes, [
    { reason: 'FieldValueInvalid', message: 'Invalid value: []string{"127.96.3.3"}: failed to allocate IP 127.96.3.3: provided IP is already allocated', field: 'spec.clusterIPs' },
  ]);
  const outside = await f.call('POST', SVCS, svc('three', { clusterIP: '10.0.0.1' }));
  assert.equal(outside.status, 422);
  assert.equal(
    outside.body.message,
    'Service "three" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: failed to allocate IP 10.0.0.1: provided IP is not in the valid range. The range of valid IPs is 127.96.0.0/16',
  );
  // The kubernetes Service holds .1.
  assert.equal((await f.call('POST', SVCS, svc('four', { clusterIP: '127.96.0.1' }))).status, 422);
  // A failed create leaves nothing behind: neither the object nor a reservation.
  assert.equal((await f.call('GET', `${SVCS}/two`)).status, 404);
  assert.equal((await f.call('DELETE', `${SVCS}/one`)).status, 200);
  const again = await f.call('POST', SVCS, svc('two', { clusterIP: '127.96.3.3' }));
  assert.equal(again.status, 201, again.text);
});

test('clusterIP may not change on update; a PUT without it keeps the allocated one', async (t) => {
  const f = await startFixture(t);
  const c = (await f.call('POST', SVCS, svc('web'))).body;
  const changed = await f.call('PUT', `${SVCS}/web`, { ...c, spec: { ...c.spec, clusterIP: '127.96.9.9', clusterIPs: ['127.96.9.9'] } });
  assert.equal(changed.status, 422);
  assert.match(changed.body.message, /spec\.clusterIPs\[0\]: Invalid value: \[\]string\{"127\.96\.9\.9"\}: may not change once set/);
  const { clusterIP: _ip, clusterIPs: _ips, ...rest } = c.spec;
  const kept = await f.call('PUT', `${SVCS}/web`, { ...c, spec: { ...rest, ports: [{ port: 81 }] } });
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.body.spec.clusterIP, c.spec.clusterIP);
  // 127.96.9.9 was never reserved by the failed update.
  assert.equal((await f.call('POST', SVCS, svc('other', { clusterIP: '127.96.9.9' }))).status, 201);
});

test('node ports: random in 30000-32767, an explicit one honoured, a conflict is a 422, freed on delete', async (t) => {
  const f = await startFixture(t);
  const r = await f.call('POST', SVCS, svc('np', { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] }));
  assert.equal(r.status, 201, r.text);
  const [a, b] = r.body.spec.ports.map((p: Json) => p.nodePort as number);
  for (const p of [a, b]) assert.ok(p >= 30000 && p <= 32767, String(p));
  assert.notEqual(a, b);
  const lb = await f.call('POST', SVCS, svc('lb', { type: 'LoadBalancer' }));
  assert.ok(lb.body.spec.ports[0].nodePort >= 30000, lb.text);
  assert.equal((await f.call('POST', SVCS, svc('fixed', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).body.spec.ports[0].nodePort, 30080);
  const clash = await f.call('POST', SVCS, svc('clash', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
  assert.equal(clash.status, 422);
  assert.equal(clash.body.message, 'Service "clash" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  // The clash's ClusterIP reservation was rolled back too: it is not in the store and its IP is free
  // (checked indirectly: the next create succeeds and nothing is leaked in the count below).
  assert.equal((await f.call('GET', `${SVCS}/clash`)).status, 404);
  // A type change to NodePort allocates; a PUT that omits nodePort keeps it.
  const plain = (await f.call('POST', SVCS, svc('plain'))).body;
  const patched = await f.call('PATCH', `${SVCS}/plain`, JSON.stringify({ spec: { type: 'NodePort' } }), { 'content-type': 'application/merge-patch+json' });
  assert.equal(patched.status, 200, patched.text);
  const np = patched.body.spec.ports[0].nodePort;
  assert.ok(np >= 30000 && np <= 32767);
  assert.equal(patched.body.spec.clusterIP, plain.spec.clusterIP);
  assert.equal((await f.call('DELETE', `${SVCS}/fixed`)).status, 200);
  assert.equal((await f.call('POST', SVCS, svc('clash', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).status, 201);
});

test('the kubernetes Service (.1 of the range) and its Endpoints point at the API server', async (t) => {
  const f = await startFixture(t, { server: { serviceCidr: '127.97.0.0/16' } });
  const k = await f.call('GET', `${SVCS}/kubernetes`);
  assert.equal(k.status, 200);
  assert.equal(k.body.spec.clusterIP, '127.97.0.1');
  assert.deepEqual(k.body.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: f.api.port }]);
  assert.equal(k.body.spec.selector, undefined);
  const ep = await f.call('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
  assert.deepEqual(ep.body.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: f.api.port, protocol: 'TCP' }] }]);
  const slice = await f.call('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes');
  assert.equal(slice.status, 200, slice.text);
  assert.equal(slice.body.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
  assert.deepEqual(slice.body.endpoints[0].addresses, ['127.0.0.1']);
  // Allocations come from the configured range.
  const other = await f.call('POST', SVCS, svc('x'));
  assert.match(other.body.spec.clusterIP, /^127\.97\./);
});

test('allocations survive a restart: a stored Service keeps its IP and node port', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmkube-svcip-'));
  try {
    let store = await openLevelStore(join(dir, 'store'));
    let api = await startApiServer({ store, port: 0 });
    const post = async (body: Json) => {
      const r = await request(`${api.url}${SVCS}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      return { status: r.statusCode, body: (await r.body.json()) as Json };
    };
    const first = await post(svc('kept', { type: 'NodePort' }));
    assert.equal(first.status, 201);
    await api.close();
    await store.close();
    store = await openLevelStore(join(dir, 'store'));
    api = await startApiServer({ store, port: 0 });
    const ip = await post(svc('ip-clash', { clusterIP: first.body.spec.clusterIP }));
    assert.equal(ip.status, 422);
    assert.match(ip.body.message, /provided IP is already allocated/);
    const port = await post(svc('port-clash', { type: 'NodePort', ports: [{ port: 80, nodePort: first.body.spec.ports[0].nodePort }] }));
    assert.equal(port.status, 422);
    assert.match(port.body.message, /provided port is already allocated/);
    // The kubernetes Service is not duplicated and its Endpoints follow the new port.
    const ep = (await (await request(`${api.url}/api/v1/namespaces/default/endpoints/kubernetes`)).body.json()) as Json;
    assert.equal(ep.subsets[0].ports[0].port, api.port);
    await api.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('changing type wipes what the old type allocated and frees it: NodePort → ClusterIP, ClusterIP → ExternalName', async (t) => {
  const f = await startFixture(t);
  const merge = { 'content-type': 'application/merge-patch+json' };
  const np = (await f.call('POST', SVCS, svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30111 }] }))).body;
  const toClusterIP = await f.call('PATCH', `${SVCS}/np`, JSON.stringify({ spec: { type: 'ClusterIP' } }), merge);
  assert.equal(toClusterIP.status, 200, toClusterIP.text);
  assert.equal(toClusterIP.body.spec.ports[0].nodePort, undefined);
  assert.equal(toClusterIP.body.spec.clusterIP, np.spec.clusterIP);
  assert.equal((await f.call('POST', SVCS, svc('reuse-port', { type: 'NodePort', ports: [{ port: 80, nodePort: 30111 }] }))).status, 201, 'the node port was freed');
  const toExternal = await f.call('PATCH', `${SVCS}/np`, JSON.stringify({ spec: { type: 'ExternalName', externalName: 'db.example.com' } }), merge);
  assert.equal(toExternal.status, 200, toExternal.text);
  assert.equal(toExternal.body.spec.clusterIP, undefined);
  assert.equal(toExternal.body.spec.clusterIPs, undefined);
  assert.equal((await f.call('POST', SVCS, svc('reuse-ip', { clusterIP: np.spec.clusterIP }))).status, 201, 'the ClusterIP was freed');
  // And back: an ExternalName that becomes ClusterIP gets a fresh address.
  const back = await f.call('PATCH', `${SVCS}/np`, JSON.stringify({ spec: { type: 'ClusterIP', externalName: null } }), merge);
  assert.equal(back.status, 200, back.text);
  assert.ok(inRange(back.body.spec.clusterIP) && back.body.spec.clusterIP !== np.spec.clusterIP, back.body.spec.clusterIP);
});
