// The engine: validate an image, instrument it (fuel, memory cap), compile it once on the optimising
// tier, and cache the compiled module by (content digest, memory limit, metered). The compiled
// WebAssembly.Module can be posted to any worker and instantiated there without recompiling.

import { createHash } from 'node:crypto';
import { ImageError } from './errors.js';
import { instrument, type MemoryInfo } from './instrument.js';
import { useOptimizingTier } from './tier.js';
import { checkImports, validateBinary, type ExportDescriptor, type ImportDescriptor, type SupportedImports } from './validate.js';

export interface CompileOptions {
  /** limits.memory in bytes: every linear memory's maximum is capped to it. */
  memoryLimitBytes?: number;
  /** Instrument for fuel (fuel-abi.ts). Default true. */
  metered?: boolean;
  /** Which imports the host provides; every other import is rejected. */
  supportedImports: SupportedImports;
}

export interface CompiledImage {
  /** sha256 of the original bytes, hex. */
  digest: string;
  /** Compiled (instrumented) module, ready to post to a worker. */
  module: WebAssembly.Module;
  /** The guest's own imports (not counting wasmkube.out_of_fuel). */
  imports: ImportDescriptor[];
  /** The guest's own exports (not counting wasmkube_* ones). */
  exports: ExportDescriptor[];
  metered: boolean;
  memoryLimitBytes?: number;
  /** Linear memories after the cap, imported ones first. */
  memories: MemoryInfo[];
  /** Export to call once right after instantiation (a start function moved out of the start section). */
  startExport?: string;
  /** Exported i32 global set to 1 by a failed memory.grow (only with a memory limit). */
  growFailedExport?: string;
  originalSize: number;
  instrumentedSize: number;
  /** Time spent validating + instrumenting + compiling, ms. */
  compileMs: number;
}

export interface EngineOptions {
  /** Compiled images kept in memory (least recently used are dropped). Default 64. */
  maxCachedImages?: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class Engine {
  private readonly cache = new Map<string, Promise<CompiledImage>>();
  private readonly maxCached: number;

  constructor(opts: EngineOptions = {}) {
    this.maxCached = opts.maxCachedImages ?? 64;
    useOptimizingTier();
  }

  /** Validates, instruments and compiles; the same bytes and limits compile once. Throws ImageError. */
  async compile(bytes: Uint8Array, opts: CompileOptions): Promise<CompiledImage> {
    const metered = opts.metered ?? true;
    const digest = sha256Hex(bytes);
    const key = `${digest}/${opts.memoryLimitBytes ?? '-'}/${metered ? 'm' : 'u'}`;
    let pending = this.cache.get(key);
    if (pending) {
      this.cache.delete(key); // re-insert: most recently used last
      this.cache.set(key, pending);
    } else {
      pending = this.build(bytes, digest, metered, opts.memoryLimitBytes);
      this.cache.set(key, pending);
      pending.catch(() => this.cache.delete(key));
      while (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    }
    const image = await pending;
    // Imports depend on the caller's host, not on the bytes: check them on every call.
    checkImports(image.imports, opts.supportedImports);
    return image;
  }

  /** Drops every cached image. */
  clear(): void {
    this.cache.clear();
  }

  get cachedImages(): number {
    return this.cache.size;
  }

  private async build(bytes: Uint8Array, digest: string, metered: boolean, memoryLimitBytes?: number): Promise<CompiledImage> {
    const t0 = performance.now();
    const { imports, exports } = validateBinary(bytes);
    const out = instrument(bytes, { metered, memoryLimitBytes });
    let module: WebAssembly.Module;
    // Node 20 does not count a pending WebAssembly.compile as keeping the event loop alive: a
    // process with nothing else to do exits mid-compile ("unsettled top-level await"). Hold a timer.
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      module = await WebAssembly.compile(out.bytes);
    } catch (e) {
      throw new ImageError('InstrumentationFailed', `the instrumented module does not compile (a bug in the engine): ${(e as Error).message}`);
    } finally {
      clearInterval(keepAlive);
    }
    return {
      digest,
      module,
      imports,
      exports,
      metered,
      memoryLimitBytes,
      memories: out.memories,
      startExport: out.startExport,
      growFailedExport: out.growFailedExport,
      originalSize: bytes.length,
      instrumentedSize: out.bytes.length,
      compileMs: performance.now() - t0,
    };
  }
}
