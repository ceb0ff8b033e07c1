// V8 compiles wasm with the Liftoff baseline compiler first and tiers up hot functions to TurboFan
// later, but it cannot replace a function that is already running: a guest's long-running main loop
// would stay on baseline code (9.9x slower than native, FACTS.md). The flags are process-wide, so
// setting them once on the main thread also covers worker threads and modules posted to them.

import v8 from 'node:v8';

let done = false;

/** Makes every later wasm compile in this process go straight to the optimising tier. */
export function useOptimizingTier(): void {
  if (done) return;
  v8.setFlagsFromString('--no-liftoff');
  v8.setFlagsFromString('--no-wasm-tier-up');
  done = true;
}
