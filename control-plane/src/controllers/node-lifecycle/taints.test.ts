import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evictionTime, UNREACHABLE, type Taint } from './taints.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const taint: Taint = { key: UNREACHABLE, effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };

test('no matching toleration: evict now; bounded: after the shortest; unbounded: never', () => {
  assert.equal(evictionTime([], [taint], t0 + 5), t0 + 5);
  assert.equal(evictionTime([{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], [taint], t0), t0 + 300_000);
  assert.equal(evictionTime([{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }], [taint], t0), undefined);
  assert.equal(evictionTime([{ operator: 'Exists' }], [taint], t0), undefined, 'tolerate everything');
  assert.equal(evictionTime([{ key: UNREACHABLE, operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 1 }], [taint], t0), t0, 'wrong effect');
});

test('the cap shortens tolerationSeconds; NoSchedule taints never evict', () => {
  const tol = [{ key: UNREACHABLE, operator: 'Exists' as const, effect: 'NoExecute', tolerationSeconds: 300 }];
  assert.equal(evictionTime(tol, [taint], t0, 2), t0 + 2000);
  assert.equal(evictionTime([], [{ ...taint, effect: 'NoSchedule' }], t0), undefined);
});
