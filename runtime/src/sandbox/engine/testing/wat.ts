// Test support: WebAssembly text → binary with wabt (devDependency), every feature V8 11.3 ships.
import wabtInit from 'wabt';
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { useOptimizingTier } from '../tier.js';

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

export async function wat(source: string): Promise<Uint8Array> {
  if (!wabt) {
    // wabt is itself a large wasm module: compiling it eagerly with TurboFan costs seconds, so load
    // it on the default tiers, then switch (back) to the engine's (tests want those anyway).
    v8.setFlagsFromString('--liftoff');
    v8.setFlagsFromString('--wasm-lazy-compilation');
    wabt = await wabtInit();
    v8.setFlagsFromString('--no-liftoff');
    v8.setFlagsFromString('--no-wasm-lazy-compilation');
    useOptimizingTier();
  }
  const m = wabt.parseWat('test.wat', source, {
    bulk_memory: true, reference_types: true, multi_value: true, simd: true, sign_extension: true,
    sat_float_to_int: true, tail_call: true, exceptions: true, mutable_globals: true, threads: true,
  });
  try {
    m.resolveNames();
    m.validate();
    return m.toBinary({ write_debug_names: true }).buffer;
  } finally {
    m.destroy();
  }
}

/** A committed test guest (src/sandbox/engine/testdata), read from the compiled test's location. */
export function testdata(name: string): Uint8Array {
  return readFileSync(new URL(`../../../../src/sandbox/engine/testdata/${name}`, import.meta.url));
}
