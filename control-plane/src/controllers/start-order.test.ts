// startControllers with deferOthersUntil (what `wasmkube up` does): node IPAM runs at once, the
// workload controllers only once the promise settles, and then act on what was created meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, type Fixture } from '../api/testing/fixture.js';
import { until } from '../api/testing/until.js';
import { startControllers } from './index.js';

const rc = {
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'web' },
  spec: { replicas: 2, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
};

async function podCount(f: Fixture): Promise<number> {
  const r = await f.call('GET', '/api/v1/namespaces/default/pods');
  return ((r.body as { items?: unknown[] }).items ?? []).length;
}

test('deferred controllers: IPAM at once, the others when the promise settles, acting on what came meanwhile', async (t) => {
  const f = await startFixture(t);
  let settle!: () => void;
  const cm = await startControllers(f.url, { clusterCidr: '127.246.0.0/16', deferOthersUntil: new Promise<void>((r) => (settle = r)) });
  t.after(() => cm.stop());
  let running = false;
  void cm.running.then(() => (running = true));

  assert.equal((await f.call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } })).status, 201);
  const cidr = await until('a podCIDR from node IPAM', async () => ((await f.call('GET', '/api/v1/nodes/n1')).body as { spec?: { podCIDR?: string } }).spec?.podCIDR);
  assert.equal(cidr, '127.246.0.0/24');

  assert.equal((await f.call('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)).status, 201);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await podCount(f), 0, 'no replication controller yet');
  assert.equal(running, false);

  settle();
  await cm.running;
  await until('2 pods from the replication controller', async () => (await podCount(f)) === 2);
});

test('deferred controllers that have not started by stop() never start', async (t) => {
  const f = await startFixture(t);
  let settle!: () => void;
  const cm = await startControllers(f.url, { deferOthersUntil: new Promise<void>((r) => (settle = r)) });
  await cm.stop();
  assert.equal((await f.call('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)).status, 201);
  settle();
  await cm.running;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await podCount(f), 0);
});
