import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageError } from './errors.js';
import { instrument } from './instrument.js';
import { validateImage } from './validate.js';
import { testdata } from './testing/wat.js';

const all = () => true;

/** Deterministic xorshift PRNG, so that a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test('a truncated module is an ImageError (unless the cut falls between sections), never another exception', () => {
  const bytes = testdata('mix.wasm');
  const random = rng(1);
  const cuts = [0, 1, 4, 7, 8, 9, 10, ...Array.from({ length: 150 }, () => Math.floor(random() * bytes.length))];
  let rejected = 0;
  for (const cut of cuts) {
    const prefix = bytes.subarray(0, cut);
    try {
      validateImage(prefix, all);
      assert.ok(WebAssembly.validate(prefix), `cut at ${cut} accepted`);
    } catch (e) {
      assert.ok(e instanceof ImageError, `cut at ${cut}: ${e}`);
      rejected++;
    }
  }
  assert.ok(rejected > cuts.length - 5);
});

test('random byte flips: V8-valid mutants instrument into valid modules, the rest are ImageErrors', () => {
  const original = testdata('hash.wasm');
  const random = rng(7);
  let valid = 0;
  for (let round = 0; round < 150; round++) {
    const bytes = Uint8Array.from(original);
    for (let k = 0; k < 1 + Math.floor(random() * 3); k++) bytes[8 + Math.floor(random() * (bytes.length - 8))] = Math.floor(random() * 256);
    let ok = false;
    try {
      validateImage(bytes, all);
      ok = true;
    } catch (e) {
      assert.ok(e instanceof ImageError, `round ${round}: ${e}`);
    }
    if (!ok) continue;
    valid++;
    try {
      const out = instrument(bytes, { metered: true, memoryLimitBytes: 1 << 30 });
      assert.ok(WebAssembly.validate(out.bytes), `round ${round}: instrumented mutant is invalid`);
    } catch (e) {
      // A valid module we refuse must say why with an ImageError (e.g. a reserved export name).
      assert.ok(e instanceof ImageError && e.reason !== 'InvalidImage', `round ${round}: ${e}`);
    }
  }
  assert.ok(valid > 0, 'some mutants were valid (data segments, constants)');
});
