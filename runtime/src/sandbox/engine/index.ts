// The sandbox engine: validate, instrument (fuel, memory cap) and compile images; calibrate fuel.
export { Engine, sha256Hex, type CompileOptions, type CompiledImage, type EngineOptions } from './engine.js';
export { ImageError, type ImageErrorReason } from './errors.js';
export { instrument, type InstrumentOptions, type InstrumentResult, type MemoryInfo } from './instrument.js';
export {
  checkImports, validateBinary, validateImage, type ExportDescriptor, type ImportDescriptor, type ImportKind,
  type SupportedImports, type ValidatedImage,
} from './validate.js';
export { calibrateFuel, calibrateFuelPerCoreSecond, type Calibration, type CalibrationOptions } from './calibrate.js';
export { useOptimizingTier } from './tier.js';
export { formatBytes, formatQuantity } from './units.js';
export { runGuest, FuelExhausted, type GuestOptions, type GuestResult } from './mini-wasi.js';
export { trapUncatchably } from './trap.js';
