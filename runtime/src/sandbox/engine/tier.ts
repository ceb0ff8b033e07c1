// V8 compiles wasm with the Liftoff baseline compiler first and tiers up hot functions to TurboFan
// later, but it cannot replace a function that is already running: a guest's long-running main loop
// would stay on baseline code (9.9x slower than native, FACTS.md). So: no Liftoff, no tier-up.
// Node 20's V8 (11.3) also compiles wasm lazily by default (each function on its first call): with
// Liftoff off, that moves TurboFan compilation of every function into the guest's first run (and
// into the first container's start). --no-wasm-lazy-compilation compiles everything up front, in
// WebAssembly.compile, on V8's background threads. The flags are process-wide, so setting them once
// on the main thread also covers worker threads and the modules posted to them.

import v8 from 'node:v8';

let done = false;

/** Makes every later wasm compile in this process eager and on the optimising tier. */
export function useOptimizingTier(): void {
  if (done) return;
  v8.setFlagsFromString('--no-liftoff');
  v8.setFlagsFromString('--no-wasm-tier-up');
  v8.setFlagsFromString('--no-wasm-lazy-compilation');
  done = true;
}
