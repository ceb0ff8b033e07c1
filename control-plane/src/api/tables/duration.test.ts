import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, since } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration matches apimachinery HumanDuration at each boundary', () => {
  const cases: Array<[number, string]> = [
    [-5 * S, '<invalid>'],
    [-1 * S, '0s'],
    [0, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 20 * S, '3m20s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D + 4 * H, '2d4h'],
    [7 * D, '7d'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [3 * 365 * D + 10 * D, '3y10d'],
    [9 * 365 * D, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('since handles missing and unparsable timestamps', () => {
  const now = new Date('2026-01-01T00:10:00Z');
  assert.equal(since(undefined, now), '<unknown>');
  assert.equal(since('garbage', now), '<unknown>');
  assert.equal(since('2026-01-01T00:06:40Z', now), '3m20s');
});
