// Node IPAM against the real API server: a /24 per Node, and ranges reserved for node agents of this
// process (`wasmkube up`, fixtures) that register with spec.podCIDR already set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, type Fixture } from '../../api/testing/fixture.js';
import { until } from '../../api/testing/until.js';
import { startControllers } from '../index.js';

const node = (name: string, podCIDR?: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
});

async function podCidrOf(f: Fixture, name: string): Promise<string | undefined> {
  return ((await f.call('GET', `/api/v1/nodes/${name}`)).body as { spec?: { podCIDR?: string } }).spec?.podCIDR;
}

test('a reserved range is the registering node\'s and never another node\'s', async (t) => {
  const f = await startFixture(t);
  assert.equal((await f.call('POST', '/api/v1/nodes', node('old'))).status, 201);
  const cm = await startControllers(f.url, { clusterCidr: '127.247.0.0/16' });
  t.after(() => cm.stop());
  const old = await until('a podCIDR for the node that was there first', () => podCidrOf(f, 'old'));
  assert.equal(old, '127.247.0.0/24');
  // A node that exists keeps its range.
  assert.equal(cm.reservePodCidr('old'), old);

  const reserved = cm.reservePodCidr('agent');
  assert.equal(reserved, '127.247.1.0/24');
  assert.equal(cm.reservePodCidr('agent'), reserved, 'asking again gives the same range');

  // A node that registers meanwhile without a range is given another one.
  assert.equal((await f.call('POST', '/api/v1/nodes', node('other'))).status, 201);
  assert.equal(await until('a podCIDR for the other node', () => podCidrOf(f, 'other')), '127.247.2.0/24');

  // The agent registers with its reserved range: IPAM leaves it as it is.
  assert.equal((await f.call('POST', '/api/v1/nodes', node('agent', reserved))).status, 201);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await podCidrOf(f, 'agent'), reserved);
});
