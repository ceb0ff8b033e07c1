// Guests that can wait without holding their thread: chosen function imports may return a Promise,
// and the instance's whole call stack is suspended until it settles while other code (other guests)
// runs on the same thread. This is the stack switching of the JS Promise Integration proposal:
//
//  - Node 24 (V8 13.6) ships the final API: `new WebAssembly.Suspending(fn)` for an import and
//    `WebAssembly.promising(export)` for the entry point. Nothing else is needed.
//  - Node 20 (V8 11.3) has the first version behind --experimental-wasm-stack-switching, which must be
//    on the command line: set at run time (v8.setFlagsFromString) it reaches only contexts created
//    afterwards, and after some module loading the process segfaults (measured). Its suspender is an
//    explicit externref: a suspending import takes it as its first parameter and the promising export
//    receives it first.
//    Guests are not rewritten for that: a small generated trampoline module keeps the suspender in a
//    global, gives the guest shims with its own import types that pass it on, and enters the guest's
//    export through a funcref table.
//
// Measured (FACTS, session 4): suspend + resume 0.5–0.6 µs on Node 20; an import that returns a
// plain value does not suspend (0.007 µs per call); a parked instance costs next to no memory.

import { Writer } from './bytes.js';
import { decodeModule, readImports, readTypes } from './module.js';

export type StackSwitching = 'jspi' | 'legacy';

interface LegacyFunctionCtor {
  new (type: { parameters: string[]; results: string[] }, fn: Function, opts: { suspending?: 'first'; promising?: 'first' }): Function;
}
interface JspiApi {
  Suspending: new (fn: Function) => unknown;
  promising(fn: Function): (...args: unknown[]) => Promise<unknown>;
}

const WA = WebAssembly as unknown as Partial<JspiApi> & { Function?: LegacyFunctionCtor; Suspender?: unknown };

/** Which stack switching this thread has, if any. */
export function stackSwitching(): StackSwitching | undefined {
  if (typeof WA.Suspending === 'function' && typeof WA.promising === 'function') return 'jspi';
  if (typeof WA.Function === 'function' && typeof WA.Suspender === 'function') return 'legacy';
  return undefined;
}

/** A function import's signature as value-type bytes (0x7f i32, 0x7e i64, 0x7d f32, 0x7c f64, 0x6f externref, 0x70 funcref). */
export interface ImportSignature {
  params: number[];
  results: number[];
}

const VALTYPE_NAMES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x6f: 'externref', 0x70: 'anyfunc' };
const EXTERNREF = 0x6f;

/** `module\0name` → signature, for every function import of a module (from its bytes). */
export function importSignatures(bytes: Uint8Array): Map<string, ImportSignature> {
  const m = decodeModule(bytes);
  const types = readTypes(m);
  const out = new Map<string, ImportSignature>();
  for (const imp of readImports(m)) {
    if (imp.kind !== 0 || imp.typeIndex === undefined) continue;
    const t = types[imp.typeIndex];
    if (!t) continue;
    const sig = parseSignature(t.raw);
    if (sig) out.set(importKey(imp.module, imp.name), sig);
  }
  return out;
}

export const importKey = (module: string, name: string): string => `${module}\0${name}`;

/** 0x60 params results, with one-byte value types only (what WASI guests use); undefined otherwise. */
function parseSignature(raw: Uint8Array): ImportSignature | undefined {
  let p = 0;
  if (raw[p++] !== 0x60) return undefined;
  const vec = (): number[] | undefined => {
    const n = raw[p++];
    if (n === undefined || n >= 0x80) return undefined;
    const v = Array.from(raw.subarray(p, p + n));
    p += n;
    return v.every((b) => b in VALTYPE_NAMES) ? v : undefined;
  };
  const params = vec();
  const results = vec();
  return params && results ? { params, results } : undefined;
}

export interface SuspendingInstance {
  instance: WebAssembly.Instance;
  /** Runs an export that takes no arguments; other guests run while it waits on a suspending import. */
  call(exportName: string): Promise<unknown>;
}

/**
 * Instantiates `module` so that the function imports listed in `suspending` (key: importKey, value:
 * their signature, from importSignatures) may return a Promise. Every other import is used as given.
 */
export function instantiateSuspending(module: WebAssembly.Module, imports: WebAssembly.Imports, suspending: Map<string, ImportSignature>): SuspendingInstance {
  const mode = stackSwitching();
  if (!mode) throw new Error('this thread has no WebAssembly stack switching (Node 24, or Node 20 started with --experimental-wasm-stack-switching)');
  const linked: WebAssembly.Imports = {};
  for (const [mod, fields] of Object.entries(imports)) linked[mod] = { ...fields };
  const wrapped = [...suspending].filter(([key]) => {
    const [mod, name] = key.split('\0');
    return typeof imports[mod]?.[name] === 'function';
  });
  if (mode === 'jspi') {
    const api = WA as JspiApi;
    for (const [key] of wrapped) {
      const [mod, name] = key.split('\0');
      (linked[mod] as Record<string, unknown>)[name] = new api.Suspending(imports[mod][name] as Function);
    }
    const instance = new WebAssembly.Instance(module, linked);
    return { instance, call: (name) => api.promising(instance.exports[name] as Function)() };
  }

  const F = WA.Function as LegacyFunctionCtor;
  const host: Record<string, Function> = {};
  wrapped.forEach(([key, sig], i) => {
    const [mod, name] = key.split('\0');
    const type = { parameters: ['externref', ...sig.params.map((b) => VALTYPE_NAMES[b])], results: sig.results.map((b) => VALTYPE_NAMES[b]) };
    host[`f${i}`] = new F(type, imports[mod][name] as Function, { suspending: 'first' });
  });
  const trampoline = new WebAssembly.Instance(trampolineModule(wrapped.map(([, sig]) => sig)), { host });
  wrapped.forEach(([key], i) => {
    const [mod, name] = key.split('\0');
    (linked[mod] as Record<string, unknown>)[name] = trampoline.exports[`f${i}`];
  });
  const instance = new WebAssembly.Instance(module, linked);
  const entry = trampoline.exports.entry as WebAssembly.Table;
  const run = new F({ parameters: [], results: ['externref'] }, trampoline.exports.run as Function, { promising: 'first' }) as () => Promise<unknown>;
  return {
    instance,
    call(name) {
      entry.set(0, instance.exports[name] as Function);
      return run();
    },
  };
}

const trampolines = new Map<string, WebAssembly.Module>();

/**
 * (import "host" "f<i>" (func (param externref <params>) (result <results>)))   for each signature
 * (global $s (mut externref) (ref.null extern))  (table (export "entry") 1 funcref)
 * (func (export "f<i>") (param <params>) (result <results>)  global.get $s, local.get 0…, call $host_i)
 * (func (export "run") (param externref)  local.get 0, global.set $s, call_indirect (type void) (i32.const 0))
 */
function trampolineModule(sigs: ImportSignature[]): WebAssembly.Module {
  const cacheKey = sigs.map((s) => `${s.params.join(',')}>${s.results.join(',')}`).join(';');
  const cached = trampolines.get(cacheKey);
  if (cached) return cached;
  const n = sigs.length;
  const w = new Writer();
  w.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  const section = (id: number, body: (s: Writer) => void) => {
    const s = new Writer();
    body(s);
    w.u8(id).sized(s);
  };
  const funcType = (s: Writer, params: number[], results: number[]) => {
    s.u8(0x60).u32(params.length);
    params.forEach((b) => s.u8(b));
    s.u32(results.length);
    results.forEach((b) => s.u8(b));
  };
  // Types: 2i = shim (the guest's signature), 2i+1 = host (externref first), 2n = run, 2n+1 = void.
  section(1, (s) => {
    s.u32(2 * n + 2);
    for (const sig of sigs) {
      funcType(s, sig.params, sig.results);
      funcType(s, [EXTERNREF, ...sig.params], sig.results);
    }
    funcType(s, [EXTERNREF], []);
    funcType(s, [], []);
  });
  section(2, (s) => {
    s.u32(n);
    for (let i = 0; i < n; i++) s.name('host').name(`f${i}`).u8(0x00).u32(2 * i + 1);
  });
  section(3, (s) => {
    s.u32(n + 1);
    for (let i = 0; i < n; i++) s.u32(2 * i);
    s.u32(2 * n);
  });
  section(4, (s) => s.u32(1).u8(0x70).u8(0x00).u32(1)); // one funcref table, min 1
  section(6, (s) => s.u32(1).u8(EXTERNREF).u8(0x01).u8(0xd0).u8(EXTERNREF).u8(0x0b)); // mut externref = ref.null extern
  section(7, (s) => {
    s.u32(n + 2);
    for (let i = 0; i < n; i++) s.name(`f${i}`).u8(0x00).u32(n + i);
    s.name('run').u8(0x00).u32(2 * n);
    s.name('entry').u8(0x01).u32(0);
  });
  section(10, (s) => {
    s.u32(n + 1);
    const body = (code: Writer) => s.sized(code);
    sigs.forEach((sig, i) => {
      const c = new Writer().u32(0); // no locals
      c.u8(0x23).u32(0); // global.get $s
      sig.params.forEach((_, k) => c.u8(0x20).u32(k)); // local.get k
      c.u8(0x10).u32(i).u8(0x0b); // call $host_i, end
      body(c);
    });
    const run = new Writer().u32(0);
    run.u8(0x20).u32(0).u8(0x24).u32(0); // local.get 0, global.set $s
    run.u8(0x41).u8(0x00).u8(0x11).u32(2 * n + 1).u8(0x00).u8(0x0b); // i32.const 0, call_indirect void table 0, end
    body(run);
  });
  const module = new WebAssembly.Module(w.finish());
  trampolines.set(cacheKey, module);
  return module;
}
