import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCpu, parseQuantity } from './quantity.js';

test('parses cpu and memory quantities as Kubernetes does', () => {
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('0.5'), 0.5);
  assert.equal(parseQuantity('64Mi'), 64 * 1024 * 1024);
  assert.equal(parseQuantity('1.5Gi'), 1.5 * 2 ** 30);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('128M'), 128e6);
  assert.equal(parseQuantity('12x'), undefined);
  assert.equal(parseQuantity('Mi'), undefined);
});

test('formats cpu and bytes', () => {
  assert.equal(formatCpu(0.25), '250m');
  assert.equal(formatCpu(4), '4');
  assert.equal(formatBytes(64 * 2 ** 20), '64Mi');
  assert.equal(formatBytes(1000), '1000');
});
