// Resetting a component's instances after a request instead of re-instantiating them.
//
// StarlingMonkey serves one request per instance; a fresh instance of a 14 MB componentize-js
// component costs hundreds of ms (V8 instantiation plus jco's glue), copying its 10 MB linear memory
// back takes a few. The mutable state of a core instance is its memories, mutable globals and
// tables. exposeState() exports every defined memory and mutable global (under names starting
// "wasmkube-state:"), so a snapshot taken right after instantiation can be written back after each
// request. Tables are taken as fixed after instantiation (true of clang/wasi-libc and StarlingMonkey
// output: no table.set/grow at run time); a component that needs otherwise can use
// reuse: 'reinstantiate'. A trap leaves the instance as it was mid-call: it is dropped, not reset.
import { SectionId, decodeModule, readExports, readImports, writeExports } from '../sandbox/engine/module.js';

function leb(b: Uint8Array, o: { p: number }): number {
  let r = 0;
  let s = 0;
  for (let i = 0; i < 5; i++) {
    const x = b[o.p++];
    r |= (x & 0x7f) << s;
    s += 7;
    if (!(x & 0x80)) break;
  }
  return r >>> 0;
}

/** Defined (not imported) memories and mutable globals (indices among the defined ones). */
export function definedState(bytes: Uint8Array): { memories: number; mutableGlobalIndices: number[] } {
  const out = { memories: 0, mutableGlobalIndices: [] as number[] };
  const o = { p: 8 };
  while (o.p < bytes.length) {
    const id = bytes[o.p++];
    const size = leb(bytes, o);
    const end = o.p + size;
    if (id === 5) out.memories = leb(bytes, o);
    if (id === 6) {
      const n = leb(bytes, o);
      for (let i = 0; i < n; i++) {
        // valtype (one byte for numeric/ref types), mutability, then a constant expression up to `end` (0x0b).
        o.p++;
        if (bytes[o.p++] === 1) out.mutableGlobalIndices.push(i);
        while (o.p < end && bytes[o.p] !== 0x0b) {
          const op = bytes[o.p++];
          if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) leb(bytes, o);
          else if (op === 0x43) o.p += 4;
          else if (op === 0x44) o.p += 8;
          else if (op === 0xd0) o.p++;
        }
        o.p++;
      }
    }
    o.p = end;
  }
  return out;
}

export const STATE_EXPORT_PREFIX = 'wasmkube-state:';

/** The module with every defined memory and mutable global exported (see above). */
export function exposeState(bytes: Uint8Array): Uint8Array {
  const m = decodeModule(bytes);
  const imports = readImports(m);
  const importedGlobals = imports.filter((i) => i.kind === 3).length;
  const importedMemories = imports.filter((i) => i.kind === 2).length;
  const s = definedState(bytes);
  const exports = readExports(m);
  const added = [
    ...s.mutableGlobalIndices.map((i) => ({ name: `${STATE_EXPORT_PREFIX}g${i}`, kind: 3, index: importedGlobals + i })),
    ...Array.from({ length: s.memories }, (_, i) => ({ name: `${STATE_EXPORT_PREFIX}m${i}`, kind: 2, index: importedMemories + i })),
  ];
  if (added.length === 0) return bytes;
  m.put(SectionId.export, writeExports([...exports, ...added]));
  return m.encode();
}

/** Copies of an instance's state, taken before its first request. */
export class StateSnapshot {
  private readonly memories: { memory: WebAssembly.Memory; bytes: Uint8Array }[] = [];
  private readonly globals: { global: WebAssembly.Global; value: unknown }[] = [];

  /** `instances`: the core instances of one component instance. */
  constructor(instances: WebAssembly.Instance[]) {
    const seen = new Set<WebAssembly.Memory>();
    for (const inst of instances) {
      for (const [name, v] of Object.entries(inst.exports)) {
        if (v instanceof WebAssembly.Memory && !seen.has(v)) {
          seen.add(v);
          this.memories.push({ memory: v, bytes: new Uint8Array(v.buffer.slice(0)) });
        } else if (v instanceof WebAssembly.Global && name.startsWith(STATE_EXPORT_PREFIX)) {
          this.globals.push({ global: v, value: v.value });
        }
      }
    }
  }

  restore(): void {
    for (const { memory, bytes } of this.memories) {
      const now = new Uint8Array(memory.buffer);
      now.set(bytes);
      // Pages the request grew stay (a memory cannot shrink); clear them so no data outlives it.
      if (now.length > bytes.length) now.fill(0, bytes.length);
    }
    for (const { global, value } of this.globals) global.value = value;
  }
}
