import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, formatQuantity, isQuantity, parseQuantity, parseQuantityExact, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR } from './quantity.js';

test('parseQuantity: cpu, memory, exponents, fractions', () => {
  const cases: Array<[string, number]> = [
    ['250m', 0.25],
    ['1', 1],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['2', 2],
    ['100n', 1e-7],
    ['64Mi', 64 * 1024 * 1024],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e-3', 0.012],
    ['1k', 1000],
    ['1M', 1e6],
    ['1Ki', 1024],
    ['-1', -1],
    ['+3', 3],
  ];
  for (const [s, want] of cases) assert.ok(Math.abs(parseQuantity(s) - want) < 1e-9 * Math.max(1, Math.abs(want)), `${s} → ${parseQuantity(s)}`);
  assert.equal(parseQuantity('1Ei'), 2 ** 60);
});

test('bad quantities throw the Kubernetes messages', () => {
  for (const bad of ['', 'abc', '1..2', '1.2.3', '12 Mi', 'Mi', '1x']) assert.throws(() => parseQuantity(bad), { message: QUANTITY_FORMAT_ERROR }, bad);
  for (const bad of ['1MM', '1iK', '1kk']) assert.throws(() => parseQuantity(bad), { message: QUANTITY_SUFFIX_ERROR }, bad);
  assert.equal(isQuantity('100Mi'), true);
  assert.equal(isQuantity(3), true);
  assert.equal(isQuantity('x'), false);
});

test('canonical forms match Quantity.String()', () => {
  const cases: Array<[string, string]> = [
    ['2000m', '2'],
    ['0.25', '250m'],
    ['1500m', '1500m'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['1000Ki', '1000Ki'],
    ['1Ki', '1Ki'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['0', '0'],
    ['0.0000000001', '1n'],
    ['100u', '100u'],
  ];
  for (const [s, want] of cases) assert.equal(canonicalQuantity(s), want, s);
});

test('formatQuantity from numbers', () => {
  assert.equal(formatQuantity(0.25), '250m');
  assert.equal(formatQuantity(2), '2');
  assert.equal(formatQuantity(64 * 1024 * 1024, 'BinarySI'), '64Mi');
  assert.equal(formatQuantity(1000, 'BinarySI'), '1k');
  assert.equal(formatQuantity(1.1), '1100m');
  assert.equal(formatQuantity(3e9), '3G');
  assert.equal(parseQuantityExact('1m').nano < parseQuantityExact('2m').nano, true);
});
