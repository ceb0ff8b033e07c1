import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredSlices, desiredSubsets, MAX_ENDPOINTS_PER_SLICE, resolveTargetPort, type PodWithPorts, type ServiceLike } from './desired.js';

const svc: ServiceLike = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

const pod = (i: number, ready = true, extra: Partial<PodWithPorts['metadata']> = {}): PodWithPorts => ({
  metadata: { name: `web-${i}`, namespace: 'default', uid: `p${i}`, labels: { app: 'web' }, ...extra },
  spec: { nodeName: 'node-1', containers: [{ ports: [{ name: 'http', containerPort: 8080 + (i % 2) }] }] },
  status: { phase: 'Running', podIP: `127.244.${Math.floor(i / 250)}.${(i % 250) + 2}`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('targetPort by number, by numeric string and by name (per pod, per protocol)', () => {
  const p = pod(0);
  assert.equal(resolveTargetPort({ port: 80, targetPort: 9000 }, p), 9000);
  assert.equal(resolveTargetPort({ port: 80 }, p), 80);
  assert.equal(resolveTargetPort({ port: 80, targetPort: 'http' }, p), 8080);
  assert.equal(resolveTargetPort({ port: 80, targetPort: 'http', protocol: 'UDP' }, p), undefined);
  assert.equal(resolveTargetPort({ port: 80, targetPort: 'nope' }, p), undefined);
});

test('pods without an IP or finished are left out; terminating ones only in slices, never ready', () => {
  const noIp = { ...pod(1), status: { phase: 'Pending' } };
  const done = { ...pod(3), status: { ...pod(3).status, phase: 'Succeeded' } };
  const leaving = pod(5, true, { deletionTimestamp: '2026-01-01T00:00:00Z' });
  const subsets = desiredSubsets(svc, [pod(0), noIp, done, leaving, pod(2, false)]);
  assert.deepEqual(subsets, [
    {
      addresses: [{ ip: '127.244.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'p0' } }],
      notReadyAddresses: [{ ip: '127.244.0.4', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2', uid: 'p2' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ]);
  const slices = desiredSlices(svc, [pod(0), leaving]);
  const eps = slices.flatMap((s) => s.endpoints as { addresses: string[]; conditions: object }[]);
  assert.deepEqual(eps.find((e) => e.addresses[0] === '127.244.0.7')?.conditions, { ready: false, serving: true, terminating: true });
});

test(`slices hold at most ${MAX_ENDPOINTS_PER_SLICE} endpoints, with stable names`, () => {
  const pods = Array.from({ length: 250 }, (_, i) => pod(i * 2)); // all resolve to 8080: one port set
  const slices = desiredSlices(svc, pods);
  assert.deepEqual(slices.map((s) => (s.endpoints as unknown[]).length), [100, 100, 50]);
  assert.equal(new Set(slices.map((s) => s.metadata.name)).size, 3);
  assert.deepEqual(desiredSlices(svc, pods).map((s) => s.metadata.name), slices.map((s) => s.metadata.name));
  for (const s of slices) assert.ok((s.metadata.name as string).length <= 63);
});
