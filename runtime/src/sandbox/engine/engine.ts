// The engine: validate an image, instrument it (fuel, memory cap), compile it once on the optimising
// tier, and cache the compiled module by (content digest, memory limit, metered). The compiled
// WebAssembly.Module can be posted to any worker and instantiated there without recompiling.
// With hostMemories the memory limit is not compiled in: the module imports its memories and the
// host creates them per instance (hostedMemories()), so one compile serves every limit and an
// image can be compiled as soon as it is loaded, before a pod asks for it.

import { createHash } from 'node:crypto';
import { ImageError } from './errors.js';
import { cappedMaximumPages, instrument, type MemoryInfo } from './instrument.js';
import { FUEL_IMPORT_MODULE } from '../fuel-abi.js';
import { useOptimizingTier } from './tier.js';
import { checkImports, validateBinary, type ExportDescriptor, type ImportDescriptor, type SupportedImports } from './validate.js';
import { importSignatures, type ImportSignature } from './suspend.js';

export interface CompileOptions {
  /**
   * limits.memory in bytes: every linear memory's maximum is capped to it — in the module, or with
   * hostMemories by the host (then it is only checked against the module's initial memory, and
   * becomes the image's default limit).
   */
  memoryLimitBytes?: number;
  /** The module imports its own memories; the host creates them per instance (default false). */
  hostMemories?: boolean;
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
  /** The cap compiled in, or with hostMemories the default cap hostedMemories() applies. */
  memoryLimitBytes?: number;
  /** The module's own memories are imports the host creates per instance: see hostedMemories(). */
  hostMemories: boolean;
  /** Linear memories after the cap, imported ones first. */
  memories: MemoryInfo[];
  /** Export to call once right after instantiation (a start function moved out of the start section). */
  startExport?: string;
  /** Exported i32 global set to 1 by a failed memory.grow (only with a memory limit). */
  growFailedExport?: string;
  /** Signatures of the function imports (importKey → signature): what a guest sharing a thread needs to suspend in them. */
  importSignatures: [string, ImportSignature][];
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
  private compiling: Promise<void> = Promise.resolve();

  constructor(opts: EngineOptions = {}) {
    this.maxCached = opts.maxCachedImages ?? 64;
    useOptimizingTier();
  }

  /** Validates, instruments and compiles; the same bytes and limits compile once. Throws ImageError. */
  async compile(bytes: Uint8Array, opts: CompileOptions): Promise<CompiledImage> {
    const metered = opts.metered ?? true;
    const host = opts.hostMemories ?? false;
    const compiledLimit = host ? undefined : opts.memoryLimitBytes;
    const digest = sha256Hex(bytes);
    const key = `${digest}/${host ? 'host' : (compiledLimit ?? '-')}/${metered ? 'm' : 'u'}`;
    let pending = this.cache.get(key);
    if (pending) {
      this.cache.delete(key); // re-insert: most recently used last
      this.cache.set(key, pending);
    } else {
      pending = this.build(bytes, digest, metered, host, compiledLimit);
      this.cache.set(key, pending);
      pending.catch(() => this.cache.delete(key));
      while (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    }
    const image = await pending;
    // Imports depend on the caller's host, not on the bytes: check them on every call.
    checkImports(image.imports, opts.supportedImports);
    if (!host || opts.memoryLimitBytes === undefined) return image;
    hostedMemories(image, opts.memoryLimitBytes); // MemoryLimitTooLow now rather than at the first start
    return { ...image, memoryLimitBytes: opts.memoryLimitBytes };
  }

  /**
   * Compiles run one after another, in the order they were asked for. V8 already spreads one compile
   * over every core, and compiles started together all finish together (measured on 2 cores: five
   * 30–100 KB modules side by side all done at ~150 ms; one at a time the first at ~50 ms) — the
   * first pod of `up` waited for the images of every pod applied after it. The price: an image
   * asked after a big one waits for it (side by side, it would have finished no sooner).
   */
  private oneAtATime<T>(job: () => Promise<T>): Promise<T> {
    const run = this.compiling.then(job);
    this.compiling = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Drops every cached image. */
  clear(): void {
    this.cache.clear();
  }

  get cachedImages(): number {
    return this.cache.size;
  }

  private async build(bytes: Uint8Array, digest: string, metered: boolean, hostMemories: boolean, memoryLimitBytes?: number): Promise<CompiledImage> {
    const t0 = performance.now();
    const { imports, exports } = validateBinary(bytes);
    const out = instrument(bytes, { metered, memoryLimitBytes, hostMemories });
    let module: WebAssembly.Module;
    // Node 20 does not count a pending WebAssembly.compile as keeping the event loop alive: a
    // process with nothing else to do exits mid-compile ("unsettled top-level await"). Hold a timer.
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      module = await this.oneAtATime(() => WebAssembly.compile(out.bytes));
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
      hostMemories,
      memories: out.memories,
      startExport: out.startExport,
      growFailedExport: out.growFailedExport,
      importSignatures: [...importSignatures(out.bytes)],
      originalSize: bytes.length,
      instrumentedSize: out.bytes.length,
      compileMs: performance.now() - t0,
    };
  }
}

/** A memory the host creates for an instance: new WebAssembly.Memory(descriptor), imported as wasmkube.<name>. */
export interface HostedMemory {
  name: string;
  initial: number;
  maximum?: number;
  shared: boolean;
}

/**
 * The memories to create for one instance of a hostMemories image under limitBytes (default: the
 * image's memoryLimitBytes; none = the module's own maximum). Throws MemoryLimitTooLow.
 */
export function hostedMemories(image: CompiledImage, limitBytes = image.memoryLimitBytes): HostedMemory[] {
  if (!image.hostMemories) throw new Error('hostedMemories: the image was compiled with its memories inside');
  return image.memories
    .filter((m) => m.importedFrom?.module === FUEL_IMPORT_MODULE)
    .map((m) => ({
      name: m.importedFrom!.name,
      initial: m.initialPages,
      maximum: limitBytes === undefined ? m.maximumPages : cappedMaximumPages(m.initialPages, m.maximumPages, limitBytes),
      shared: m.shared,
    }));
}
