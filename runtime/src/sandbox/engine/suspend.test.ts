import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { wat } from './testing/wat.js';
import { importKey, importSignatures, stackSwitching } from './suspend.js';

// Node 20 has stack switching only when started with --experimental-wasm-stack-switching (scripts/test.mjs passes it).
const NO_STACK_SWITCHING = stackSwitching() ? false : 'no WebAssembly stack switching in this process';

// _start calls env.block(0), block(1), block(2) and sums what they return; boom suspends, then traps.
const GUEST = `(module
  (import "env" "block" (func $block (param i32) (result i32)))
  (import "env" "note" (func $note (param i32)))
  (global $acc (mut i32) (i32.const 0))
  (func (export "_start") (local $i i32)
    (loop $l
      (global.set $acc (i32.add (global.get $acc) (call $block (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3)))))
  (func (export "boom") (drop (call $block (i32.const 7))) unreachable)
  (func (export "acc") (result i32) (global.get $acc)))`;

test('import signatures are read from the module bytes', async () => {
  const sigs = importSignatures(await wat(GUEST));
  assert.deepEqual(sigs.get(importKey('env', 'block')), { params: [0x7f], results: [0x7f] });
  assert.deepEqual(sigs.get(importKey('env', 'note')), { params: [0x7f], results: [] });
});

test('guests suspended in an import let other guests of the thread run; errors and traps reject', { skip: NO_STACK_SWITCHING }, async () => {
  const bytes = await wat(GUEST);
  const w = new Worker(new URL('./testing/suspend-scenarios.js', import.meta.url), { workerData: { bytes } });
  const out = await new Promise<Record<string, unknown>>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(out.error, undefined, String(out.error));
  assert.ok(out.mode === 'jspi' || out.mode === 'legacy', `mode ${out.mode}`);
  const log = out.interleave as string[];
  // Both guests started before either finished: a waits 2 ms, b 3 ms per call.
  assert.ok(log.indexOf('b0') < log.indexOf('a2'), log.join(' '));
  assert.ok(log.indexOf('a0') < log.indexOf('b2'), log.join(' '));
  assert.equal(log.at(-1), 'sums 6 6');
  assert.equal(out.plain, 6); // 0*2 + 1*2 + 2*2
  assert.equal(out.rejected, 'host says no');
  assert.match(String(out.trap), /RuntimeError: unreachable/);
});
