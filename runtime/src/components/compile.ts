// Components → something a worker can instantiate: jco transpiles the component once per digest
// into an `instantiate(getCoreModule, imports, instantiateCore)` ES module plus its core modules
// (kept in memory and, optionally, on disk under the node's data dir); each core module then goes
// through the sandbox engine like any core image (validated, fuel-metered, memory-capped, compiled
// once on the optimising tier, cached by digest and limits).
import fs from 'node:fs';
import v8 from 'node:v8';
import path from 'node:path';
import { Engine, sha256Hex, type CompiledImage } from '../sandbox/engine/index.js';
import { ImageError } from '../sandbox/engine/errors.js';
import { exposeState } from './snapshot.js';
import { checkComponentImports, componentKind, type ComponentKind } from './interfaces.js';

export interface Transpiled {
  digest: string;
  /** Source of the ES module that exports instantiate(). */
  js: string;
  /** Core modules by the name instantiate() asks getCoreModule for. */
  core: Record<string, Uint8Array>;
  imports: string[];
  exports: [string, string][];
  transpileMs: number;
}

export interface ComponentImage {
  digest: string;
  kind: ComponentKind;
  js: string;
  /** Instrumented and compiled: post to the worker. */
  coreModules: Record<string, WebAssembly.Module>;
  /** Per core module: the engine's start export / grow-failed global, if any. */
  coreInfo: Record<string, { startExport?: string; growFailedExport?: string }>;
  imports: string[];
  metered: boolean;
  memoryLimitBytes?: number;
  originalSize: number;
  transpileMs: number;
  compileMs: number;
}

export interface ComponentCompilerOptions {
  engine?: Engine;
  /** Transpiled output is kept here by digest (e.g. <node data dir>/components); none if unset. */
  cacheDir?: string;
  /** Transpiled components kept in memory. Default 16. */
  maxCached?: number;
}

const NAME = 'component';

/**
 * Core modules this large are compiled lazily (each function by TurboFan on its first call; still no
 * Liftoff, see engine/tier.ts). A componentize-js component carries all of SpiderMonkey (9 MB of
 * code, most never called by a given service): compiling it eagerly took 60-80 s here, lazily 1 s
 * plus the functions a first request touches. The flag is read when a compile starts.
 */
const LAZY_COMPILE_BYTES = 4 << 20;

type Jco = typeof import('@bytecodealliance/jco');
let jco: Promise<Jco> | undefined;

export class ComponentCompiler {
  readonly engine: Engine;
  private readonly transpiled = new Map<string, Promise<Transpiled>>();

  constructor(private readonly opts: ComponentCompilerOptions = {}) {
    this.engine = opts.engine ?? new Engine();
  }

  /** Transpiles (cached by digest), checks imports and exports, instruments and compiles the core modules. */
  async compile(bytes: Uint8Array, o: { memoryLimitBytes?: number; metered?: boolean } = {}): Promise<ComponentImage> {
    const metered = o.metered ?? true;
    const t = await this.transpile(bytes);
    checkComponentImports(t.imports);
    const kind = componentKind(t.exports);
    const t0 = performance.now();
    const coreModules: Record<string, WebAssembly.Module> = {};
    const coreInfo: ComponentImage['coreInfo'] = {};
    for (const [name, core] of Object.entries(t.core)) {
      let img: CompiledImage;
      const lazy = core.length >= LAZY_COMPILE_BYTES;
      if (lazy) v8.setFlagsFromString('--wasm-lazy-compilation');
      try {
        // The component's own imports were checked above; core-level imports are jco's wiring.
        img = await this.engine.compile(exposeState(core), { memoryLimitBytes: o.memoryLimitBytes, metered, supportedImports: () => true });
      } catch (e) {
        if (e instanceof ImageError) throw new ImageError(e.reason, `core module ${name} of the component: ${e.message}`, e.unsupported);
        throw e;
      } finally {
        if (lazy) v8.setFlagsFromString('--no-wasm-lazy-compilation');
      }
      coreModules[name] = img.module;
      coreInfo[name] = { startExport: img.startExport, growFailedExport: img.growFailedExport };
    }
    return {
      digest: t.digest, kind, js: t.js, coreModules, coreInfo, imports: t.imports, metered,
      memoryLimitBytes: o.memoryLimitBytes, originalSize: bytes.length, transpileMs: t.transpileMs,
      compileMs: performance.now() - t0,
    };
  }

  transpile(bytes: Uint8Array): Promise<Transpiled> {
    const digest = sha256Hex(bytes);
    let p = this.transpiled.get(digest);
    if (!p) {
      p = this.load(digest, bytes);
      this.transpiled.set(digest, p);
      p.catch(() => this.transpiled.delete(digest));
      while (this.transpiled.size > (this.opts.maxCached ?? 16)) this.transpiled.delete(this.transpiled.keys().next().value!);
    }
    return p;
  }

  private async load(digest: string, bytes: Uint8Array): Promise<Transpiled> {
    const dir = this.opts.cacheDir ? path.join(this.opts.cacheDir, digest) : undefined;
    if (dir) {
      const cached = readCache(dir, digest);
      if (cached) return cached;
    }
    const t0 = performance.now();
    jco ??= import('@bytecodealliance/jco');
    const { transpile } = await jco;
    let out: Awaited<ReturnType<Jco['transpile']>>;
    // Transpiling runs jco's own wasm for a while: keep the process alive meanwhile (see engine.ts).
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      out = await transpile(bytes, {
        name: NAME,
        instantiation: 'sync',
        noTypescript: true,
        noNodejsCompat: true,
        wasiShim: false,
        minify: false,
      } as Parameters<Jco['transpile']>[1]);
    } catch (e) {
      throw new ImageError('InvalidImage', `not a valid WebAssembly component: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      clearInterval(keepAlive);
    }
    const files = out.files as unknown as Record<string, Uint8Array>;
    const core: Record<string, Uint8Array> = {};
    for (const [f, b] of Object.entries(files)) if (f.endsWith('.wasm')) core[f] = b;
    const js = new TextDecoder().decode(files[`${NAME}.js`]);
    const t: Transpiled = {
      digest, js, core, imports: out.imports, exports: out.exports as [string, string][], 
      transpileMs: performance.now() - t0,
    };
    if (dir) writeCache(dir, t);
    return t;
  }
}

function readCache(dir: string, digest: string): Transpiled | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { imports: string[]; exports: [string, string][]; core: string[] };
    const core: Record<string, Uint8Array> = {};
    for (const f of meta.core) core[f] = fs.readFileSync(path.join(dir, f));
    return {
      digest, js: fs.readFileSync(path.join(dir, `${NAME}.js`), 'utf8'), core, imports: meta.imports, exports: meta.exports,
      transpileMs: 0,
    };
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, t: Transpiled): void {
  try {
    // Written to a temporary directory and renamed: a half-written cache entry is never read.
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.mkdirSync(tmp, { recursive: true });
    for (const [f, b] of Object.entries(t.core)) fs.writeFileSync(path.join(tmp, f), b);
    fs.writeFileSync(path.join(tmp, `${NAME}.js`), t.js);
    fs.writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify({ imports: t.imports, exports: t.exports, core: Object.keys(t.core) }));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch {
    // A cache that cannot be written only costs a transpile next time.
  }
}
