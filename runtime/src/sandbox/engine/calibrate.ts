// Fuel per core-second on this node: the host turns limits.cpu into a fuel quota per 100 ms period
// with it. Fuel counts wasm instructions, and a second of CPU holds very different instruction counts
// depending on the code: measured here, tight arithmetic loops ~16 G/s, in-cache byte loops ~25 G/s,
// recursive calls ~8 G/s, insertion sort ~32 G/s. So the calibration runs four kernels
// (calibration-guest.c), metered, on the calling thread for about 150 ms in all, keeps each
// kernel's fastest round (the least disturbed by other threads) and takes the geometric mean: a
// quota is then within ~2x of the intended CPU share for any of them.

import { Worker } from 'node:worker_threads';
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

export interface Calibration {
  /** Geometric mean of the kernels' rates: what the host should use. */
  fuelPerCoreSecond: number;
  /** Fuel per CPU second of each kernel (hash, sieve, calls, sort). */
  kernels: Record<string, number>;
}

const KERNELS = ['hash', 'sieve', 'calls', 'sort'] as const;
const FULL = 1n << 62n;
let cached: Calibration | undefined;

/** Measures (once; cached) fuel per CPU second for each kernel and their geometric mean. */
export function calibrateFuel(opts: CalibrationOptions = {}): Calibration {
  if (cached && !opts.force) return cached;
  useOptimizingTier();
  const bytes = Buffer.from(CALIBRATION_GUEST_BASE64, 'base64');
  const module = new WebAssembly.Module(instrument(bytes, { metered: true }).bytes);
  let fuel: WebAssembly.Global | undefined;
  const instance = new WebAssembly.Instance(module, {
    [FUEL_IMPORT_MODULE]: { [FUEL_IMPORT_NAME]: () => void (fuel!.value = FULL) },
  });
  fuel = instance.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global;
  const perKernelMs = (opts.targetMs ?? 150) / KERNELS.length;

  const kernels: Record<string, number> = {};
  for (const name of KERNELS) {
    const run = instance.exports[name] as (rounds: number) => number;
    // Size a round to ~1/6 of this kernel's share of the time.
    let rounds = 1;
    for (let i = 0; i < 24; i++) {
      const t0 = performance.now();
      run(rounds);
      if (performance.now() - t0 >= perKernelMs / 6 / 4) break;
      rounds *= 2;
    }
    rounds *= 4;
    let best = 0;
    const deadline = performance.now() + perKernelMs;
    for (let i = 0; i < 32 && (i < 3 || performance.now() < deadline); i++) {
      fuel.value = FULL;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      run(rounds);
      const wallUs = (performance.now() - t0) * 1000;
      const cpu = process.cpuUsage(cpu0);
      // Wall time and process CPU time both bound this thread's CPU time from above.
      const us = Math.max(1, Math.min(wallUs, cpu.user + cpu.system));
      best = Math.max(best, (Number(FULL - (fuel.value as bigint)) / us) * 1e6);
    }
    kernels[name] = Math.round(best);
  }
  const logMean = KERNELS.reduce((s, k) => s + Math.log(kernels[k]), 0) / KERNELS.length;
  cached = { fuelPerCoreSecond: Math.round(Math.exp(logMean)), kernels };
  return cached;
}

/**
 * What a node uses until its own calibration is in: the geometric mean calibrateFuel() measured on
 * the 2-core development machine (14.3e9). The fuel meter adapts each guest's own rate at every check-in
 * anyway, so this only shapes the first periods of a container started in the first ~200 ms.
 */
export const TYPICAL_FUEL_PER_CORE_SECOND = 14e9;

let inWorker: Promise<Calibration> | undefined;

/**
 * calibrateFuel() on a worker thread, once per process: ~150 ms of measuring that would otherwise
 * hold up the thread that creates the first Sandbox (the node agent's start).
 */
export function calibrateFuelInWorker(): Promise<Calibration> {
  if (cached) return Promise.resolve(cached);
  inWorker ??= new Promise<Calibration>((resolve, reject) => {
    const w = new Worker(new URL('./calibrate-worker.js', import.meta.url), { stdout: false, stderr: false });
    w.unref(); // never keeps a process alive
    w.once('message', (c: Calibration) => {
      cached ??= c;
      resolve(cached);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`fuel calibration worker exited with code ${code}`)));
  });
  return inWorker;
}

/** Fuel units one core burns per CPU second running typical metered code. Cached after the first call. */
export function calibrateFuelPerCoreSecond(opts: CalibrationOptions = {}): number {
  return calibrateFuel(opts).fuelPerCoreSecond;
}
