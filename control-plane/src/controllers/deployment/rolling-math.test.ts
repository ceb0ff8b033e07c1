import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fenceposts, newRsReplicas, oldScaleDownBudget, scaled } from './rolling-math.js';
import { canonical, safeEncode, sameTemplate, templateHash } from './template-hash.js';

test('percentages: surge rounds up, unavailable rounds down; both 0 → unavailable 1', () => {
  assert.deepEqual(fenceposts('25%', '25%', 10), { maxSurge: 3, maxUnavailable: 2 });
  assert.deepEqual(fenceposts(undefined, undefined, 1), { maxSurge: 1, maxUnavailable: 0 });
  assert.deepEqual(fenceposts(0, '10%', 5), { maxSurge: 0, maxUnavailable: 1 });
  assert.deepEqual(fenceposts(2, 0, 4), { maxSurge: 2, maxUnavailable: 0 });
  assert.equal(scaled('50%', 3, true, '25%'), 2);
  assert.equal(scaled('50%', 3, false, '25%'), 1);
});

test('the new ReplicaSet grows up to desired + maxSurge in all', () => {
  // 4 desired, surge 1: old has 4 → new may have 1.
  assert.equal(newRsReplicas(4, 1, { replicas: 0, available: 0 }, [{ replicas: 0, available: 0 }, { replicas: 4, available: 4 }]), 1);
  // Already at the ceiling: no growth.
  assert.equal(newRsReplicas(4, 1, { replicas: 1, available: 0 }, [{ replicas: 1, available: 0 }, { replicas: 4, available: 4 }]), 1);
  // Never past desired.
  assert.equal(newRsReplicas(4, 10, { replicas: 2, available: 2 }, [{ replicas: 2, available: 2 }]), 4);
});

test('old ReplicaSets shrink only while desired - maxUnavailable stay available', () => {
  // desired 4, maxUnavailable 0, new 1 (not yet available), old 4 available: nothing may go.
  assert.deepEqual(oldScaleDownBudget(4, 0, { replicas: 1, available: 0 }, [{ replicas: 1, available: 0 }, { replicas: 4, available: 4 }]), { unhealthyBudget: 0, availableBudget: 0 });
  // Once the new pod is available, one old may go.
  assert.deepEqual(oldScaleDownBudget(4, 0, { replicas: 1, available: 1 }, [{ replicas: 1, available: 1 }, { replicas: 4, available: 4 }]), { unhealthyBudget: 1, availableBudget: 1 });
});

test('template hash: stable, safe alphabet, ignores its own label and null/empty fields; collisions change it', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'v1' }] } };
  const h = templateHash(t);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(templateHash({ ...t, metadata: { labels: { app: 'web', 'pod-template-hash': h } } }), h);
  assert.equal(templateHash({ metadata: { labels: { app: 'web' }, creationTimestamp: null } as never, spec: t.spec }), h);
  assert.notEqual(templateHash(t, 1), h);
  assert.notEqual(templateHash({ ...t, spec: { containers: [{ name: 'web', image: 'v2' }] } }), h);
  assert.ok(sameTemplate(t, { spec: t.spec, metadata: { labels: { 'pod-template-hash': 'x', app: 'web' } } }));
  assert.deepEqual(canonical({ b: 1, a: { x: null, y: [] } }), { b: 1 });
  assert.equal(safeEncode('0123'), '4567'); // byte % 27, as Go's rand.SafeEncodeString
});
