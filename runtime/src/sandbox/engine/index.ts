// The sandbox engine: validate, instrument (fuel, memory cap) and compile images; calibrate fuel.
//
// Host side, in short:
//   const engine = new Engine();                       // sets --no-liftoff etc. (process-wide)
//   const image = await engine.compile(bytes, { metered: true, memoryLimitBytes, supportedImports });
//   worker.postMessage({ module: image.module });      // compiled once, instantiated per container
// In the worker: provide image.imports plus, when image.metered, wasmkube.out_of_fuel (fuel-abi.ts);
// set exports.wasmkube_fuel to the grant; call image.startExport if set; then _start. To stop the
// guest from out_of_fuel use trapUncatchably(). image.growFailedExport set to 1 = a memory.grow failed.
// Compiled with hostMemories: also provide wasmkube.<name> = new WebAssembly.Memory(d) for every d of
// hostedMemories(image, limitBytes).
export { Engine, hostedMemories, sha256Hex, type CompileOptions, type CompiledImage, type EngineOptions, type HostedMemory } from './engine.js';
export { ImageError, type ImageErrorReason } from './errors.js';
export { cappedMaximumPages, instrument, type InstrumentOptions, type InstrumentResult, type MemoryInfo } from './instrument.js';
export {
  checkImports, validateBinary, validateImage, type ExportDescriptor, type ImportDescriptor, type ImportKind,
  type SupportedImports, type ValidatedImage,
} from './validate.js';
export {
  calibrateFuel, calibrateFuelInWorker, calibrateFuelPerCoreSecond, TYPICAL_FUEL_PER_CORE_SECOND, type Calibration, type CalibrationOptions,
} from './calibrate.js';
export { useOptimizingTier } from './tier.js';
export { formatBytes, formatQuantity } from './units.js';
export { runGuest, FuelExhausted, type GuestOptions, type GuestResult } from './mini-wasi.js';
export { trapUncatchably } from './trap.js';
