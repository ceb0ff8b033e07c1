// The section-level view of a core module: a list of sections kept as raw payloads, plus decoders
// for the sections the engine rewrites (types, imports, functions, memories, globals, exports,
// start). Sections we do not touch are written back byte for byte.

import { Reader, Writer } from './bytes.js';
import { checkHeader } from './header.js';
import { readValType } from './instructions.js';

export const SectionId = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, datacount: 12, tag: 13,
} as const;

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export',
  'start', 'element', 'code', 'data', 'data count', 'tag'];

export function sectionName(id: number): string {
  return SECTION_NAMES[id] ?? `unknown (${id})`;
}

/** Position of each non-custom section in the required order (tag sits between memory and global,
 *  data count between element and code). */
const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 5.5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 9.5, 10: 10, 11: 11 };

export interface Section {
  id: number;
  payload: Uint8Array;
  /** Offset of the payload in the original file (0 for sections we built). */
  offset: number;
  /** For custom sections: the name. */
  name?: string;
}

export class WasmModule {
  constructor(public sections: Section[]) {}

  get(id: number): Section | undefined {
    return this.sections.find((s) => s.id === id);
  }

  reader(s: Section): Reader {
    return new Reader(s.payload, 0, s.payload.length, s.offset);
  }

  /** Replaces the section with this id, or inserts it where the binary format wants it. */
  put(id: number, payload: Uint8Array): void {
    const existing = this.sections.findIndex((s) => s.id === id);
    const section: Section = { id, payload, offset: 0 };
    if (existing >= 0) {
      this.sections[existing] = section;
      return;
    }
    const rank = ORDER[id];
    const after = this.sections.findIndex((s) => s.id !== 0 && ORDER[s.id] > rank);
    if (after < 0) this.sections.push(section);
    else this.sections.splice(after, 0, section);
  }

  remove(pred: (s: Section) => boolean): void {
    this.sections = this.sections.filter((s) => !pred(s));
  }

  encode(): Uint8Array {
    let total = 8;
    for (const s of this.sections) total += s.payload.length + 6;
    const w = new Writer(total);
    w.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    for (const s of this.sections) w.u8(s.id).sized(s.payload);
    const out = w.finish();
    // A view of exactly the module, on its own buffer: some consumers use `.buffer` and ignore the view.
    return out.byteLength === out.buffer.byteLength ? out : out.slice();
  }
}

/** Splits a module into sections, checking the header and that every section fits in the file. */
export function decodeModule(bytes: Uint8Array): WasmModule {
  checkHeader(bytes);
  const r = new Reader(bytes, 8);
  const sections: Section[] = [];
  while (!r.eof) {
    const at = r.pos;
    const id = r.u8();
    if (id > 13) {
      r.pos = at;
      r.fail(`unknown section id ${id}`);
    }
    const size = r.u32();
    if (r.pos + size > bytes.length) {
      const remaining = bytes.length - r.pos;
      r.pos = at;
      r.fail(
        `truncated: the ${sectionName(id)} section declares ${size} bytes but only ${remaining} remain; ` +
          'the file was cut short (an incomplete download?)',
      );
    }
    const payload = bytes.subarray(r.pos, r.pos + size);
    const section: Section = { id, payload, offset: r.pos };
    if (id === 0) section.name = new Reader(bytes, r.pos, r.pos + size).name();
    sections.push(section);
    r.pos += size;
  }
  return new WasmModule(sections);
}

// ---- Decoders of the sections the engine rewrites -------------------------------------------------

export interface FuncType {
  params: number;
  results: number;
  /** The encoded entry, for finding an existing signature. */
  raw: Uint8Array;
}

/** The type section as function signatures; anything else (GC rec groups) is reported as undefined. */
export function readTypes(m: WasmModule): (FuncType | undefined)[] {
  const s = m.get(SectionId.type);
  if (!s) return [];
  const r = m.reader(s);
  const n = r.u32();
  const out: (FuncType | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const start = r.pos;
    const form = r.u8();
    if (form !== 0x60) {
      out.push(undefined); // a GC type; rejected by the caller
      return out;
    }
    const params = r.u32();
    for (let j = 0; j < params; j++) readValType(r);
    const results = r.u32();
    for (let j = 0; j < results; j++) readValType(r);
    out.push({ params, results, raw: r.bytes.subarray(start, r.pos) });
  }
  return out;
}

export interface Limits {
  flags: number;
  min: number;
  max?: number;
}

export const ImportKind = ['function', 'table', 'memory', 'global', 'tag'] as const;

export interface Import {
  module: string;
  name: string;
  kind: number;
  /** function/tag: type index. */
  typeIndex?: number;
  /** memory: its limits. */
  limits?: Limits;
  /** The encoded descriptor after the kind byte. */
  desc: Uint8Array;
}

/** Limits of tables and memories. Bit 2 of the flags (memory64) makes both bounds 64-bit. */
export function readLimits(r: Reader): Limits {
  const flags = r.u8();
  if (flags > 7) r.fail(`invalid limits flags 0x${flags.toString(16)}`);
  const wide = (flags & 4) !== 0;
  const read = () => (wide ? readU64AsNumber(r) : r.u32());
  const min = read();
  const max = flags & 1 ? read() : undefined;
  return { flags, min, max };
}

function readU64AsNumber(r: Reader): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const b = r.u8();
    result += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return result;
  }
  r.fail('integer representation too long');
}

export function writeLimits(w: Writer, l: Limits): void {
  const flags = l.max === undefined ? l.flags & ~1 : l.flags | 1;
  w.u8(flags).u32(l.min);
  if (l.max !== undefined) w.u32(l.max);
}

function readTableType(r: Reader): void {
  readValType(r);
  readLimits(r);
}

export function readImports(m: WasmModule): Import[] {
  const s = m.get(SectionId.import);
  if (!s) return [];
  const r = m.reader(s);
  const n = r.u32();
  const out: Import[] = [];
  for (let i = 0; i < n; i++) {
    const module = r.name();
    const name = r.name();
    const kind = r.u8();
    const start = r.pos;
    const imp: Import = { module, name, kind, desc: r.bytes };
    switch (kind) {
      case 0:
        imp.typeIndex = r.u32();
        break;
      case 1:
        readTableType(r);
        break;
      case 2:
        imp.limits = readLimits(r);
        break;
      case 3:
        readValType(r);
        r.u8();
        break;
      case 4:
        r.u8();
        imp.typeIndex = r.u32();
        break;
      default:
        r.pos = start - 1;
        r.fail(`unknown import kind ${kind}`);
    }
    imp.desc = r.bytes.subarray(start, r.pos);
    out.push(imp);
  }
  return out;
}

export function writeImports(imports: Import[]): Uint8Array {
  const w = new Writer();
  w.u32(imports.length);
  for (const imp of imports) {
    w.name(imp.module).name(imp.name).u8(imp.kind);
    if (imp.kind === 2 && imp.limits) writeLimits(w, imp.limits);
    else w.bytes(imp.desc);
  }
  return w.finish();
}

/** Type index of every function defined in the module. */
export function readFunctions(m: WasmModule): number[] {
  const s = m.get(SectionId.function);
  if (!s) return [];
  const r = m.reader(s);
  const n = r.u32();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u32());
  return out;
}

export function readMemories(m: WasmModule): Limits[] {
  const s = m.get(SectionId.memory);
  if (!s) return [];
  const r = m.reader(s);
  const n = r.u32();
  const out: Limits[] = [];
  for (let i = 0; i < n; i++) out.push(readLimits(r));
  return out;
}

export function writeMemories(mems: Limits[]): Uint8Array {
  const w = new Writer();
  w.u32(mems.length);
  for (const l of mems) writeLimits(w, l);
  return w.finish();
}

export interface Export {
  name: string;
  kind: number;
  index: number;
}

export function readExports(m: WasmModule): Export[] {
  const s = m.get(SectionId.export);
  if (!s) return [];
  const r = m.reader(s);
  const n = r.u32();
  const out: Export[] = [];
  for (let i = 0; i < n; i++) out.push({ name: r.name(), kind: r.u8(), index: r.u32() });
  return out;
}

export function writeExports(exports: Export[]): Uint8Array {
  const w = new Writer();
  w.u32(exports.length);
  for (const e of exports) w.name(e.name).u8(e.kind).u32(e.index);
  return w.finish();
}

export function readStart(m: WasmModule): number | undefined {
  const s = m.get(SectionId.start);
  return s ? m.reader(s).u32() : undefined;
}

/** Number of globals defined by the global section. */
export function countGlobals(m: WasmModule): number {
  const s = m.get(SectionId.global);
  return s ? m.reader(s).u32() : 0;
}
