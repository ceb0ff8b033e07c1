import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodIpAllocator } from './pod-ips.js';

test('allocates .2 upwards within the podCIDR, reuses released IPs, claims old ones', () => {
  const a = new PodIpAllocator('127.244.3.0/24');
  assert.equal(a.gateway, '127.244.3.1');
  assert.equal(a.allocate('u1'), '127.244.3.2');
  assert.equal(a.allocate('u2'), '127.244.3.3');
  assert.equal(a.allocate('u1'), '127.244.3.2', 'same pod, same IP');
  assert.equal(a.claim('127.244.3.9', 'u9'), true);
  assert.equal(a.claim('127.244.3.9', 'other'), false);
  assert.equal(a.claim('127.244.4.9', 'u10'), false, 'outside the range');
  a.release('u2');
  const seen = new Set<string>();
  for (let i = 0; i < 251; i++) seen.add(a.allocate(`x${i}`));
  assert.equal(seen.size, 251);
  assert.ok(seen.has('127.244.3.3'), 'released IP reused');
  assert.throws(() => a.allocate('overflow'), /no free pod IP/);
});
