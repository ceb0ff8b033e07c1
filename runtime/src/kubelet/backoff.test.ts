import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.js';

test('10 s doubling to 5 min, reset after 10 min of running', () => {
  const b = new Backoff();
  const delays = Array.from({ length: 8 }, (_, i) => b.next(1_000 + i));
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  b.ranFor(600_000);
  assert.equal(b.next(2_000), 10_000);
  assert.equal(b.next(2_000 + 700_000), 10_000, 'a failure long after the last one starts over');
});
