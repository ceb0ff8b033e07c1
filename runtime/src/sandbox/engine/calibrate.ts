// Fuel per core-second on this node: the host turns limits.cpu into a fuel quota per 100 ms period
// with it. Runs the metered calibration loop (calibration-guest.c) on the calling thread for about
// 150 ms, in rounds, and keeps the fastest round: the least disturbed by other threads.

import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME } from '../fuel-abi.js';
import { CALIBRATION_GUEST_BASE64 } from './calibration-guest.js';
import { instrument } from './instrument.js';
import { useOptimizingTier } from './tier.js';

export interface CalibrationOptions {
  /** Total measuring time, ms. Default 150. */
  targetMs?: number;
  /** Measure again even if a result is cached. */
  force?: boolean;
}

let cached: number | undefined;
const FULL = 1n << 62n;

/** Fuel units one core burns per CPU second running typical metered code. Cached after the first call. */
export function calibrateFuelPerCoreSecond(opts: CalibrationOptions = {}): number {
  if (cached !== undefined && !opts.force) return cached;
  useOptimizingTier();
  const bytes = Buffer.from(CALIBRATION_GUEST_BASE64, 'base64');
  const module = new WebAssembly.Module(instrument(bytes, { metered: true }).bytes);
  let fuel: WebAssembly.Global | undefined;
  const instance = new WebAssembly.Instance(module, {
    [FUEL_IMPORT_MODULE]: { [FUEL_IMPORT_NAME]: () => void (fuel!.value = FULL) },
  });
  fuel = instance.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global;
  const run = instance.exports.run as (rounds: number) => number;
  fuel.value = FULL;

  // Size a round to ~1/8 of the target.
  const targetMs = opts.targetMs ?? 150;
  run(1);
  let rounds = 1;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    run(rounds);
    if (performance.now() - t0 >= targetMs / 8 / 4) break;
    rounds *= 2;
  }
  rounds *= 4;

  let best = 0;
  const deadline = performance.now() + targetMs;
  for (let i = 0; i < 64 && (i < 3 || performance.now() < deadline); i++) {
    fuel.value = FULL;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    run(rounds);
    const wallUs = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    // Wall time and process CPU time both bound this thread's CPU time from above.
    const us = Math.max(1, Math.min(wallUs, cpu.user + cpu.system));
    const used = Number(FULL - (fuel.value as bigint));
    best = Math.max(best, (used / us) * 1e6);
  }
  cached = Math.round(best);
  return cached;
}
