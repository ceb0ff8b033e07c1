// Rewrites a validated core module for the sandbox:
//  - memory cap: every memory's maximum becomes min(max, floor(limit / 64 KiB)) pages;
//  - or hosted memories: the module's own memories become imports (wasmkube.memory0, …) that the
//    host creates at instantiation with the container's cap, so that one compiled module serves
//    every memory limit (and can be compiled before any pod asks for it);
//  - fuel metering (fuel-abi.ts): import wasmkube.out_of_fuel, export the i64 global wasmkube_fuel,
//    meter every body (instrument-body.ts). Adding a function import shifts every defined
//    function's index by one, so calls, ref.func, exports, elements and the start function are
//    renumbered, and so are the function names in the name section (names.ts). A start function becomes the export wasmkube_start,
//    so that the host can set the fuel grant before any guest code runs;
//  - with a memory cap or hosted memories, an exported i32 global wasmkube_grow_failed that
//    memory.grow sets to 1 when it fails: the host's evidence for OOMKilled.

import { Reader, Writer } from './bytes.js';
import { ImageError } from './errors.js';
import { FUEL_GLOBAL_EXPORT, FUEL_IMPORT_MODULE, FUEL_IMPORT_NAME, GROW_FAILED_EXPORT, START_EXPORT, hostedMemoryName } from '../fuel-abi.js';
import { instrumentBody, type BodyContext } from './instrument-body.js';
import { Op, newDecoded, readInstruction, readValType } from './instructions.js';
import {
  SectionId, countGlobals, decodeModule, readExports, readFunctions, readImports, readLimits, readMemories,
  readStart, readTypes, writeExports, writeImports, writeLimits, writeMemories, type Import, type Limits,
  type WasmModule,
} from './module.js';
import { renumberNames } from './names.js';
import { formatBytes, formatQuantity } from './units.js';

export interface InstrumentOptions {
  metered: boolean;
  /** limits.memory in bytes, written into the module; undefined = no cap. */
  memoryLimitBytes?: number;
  /** The module's own memories become imports the host creates (and caps) per instance. Not with memoryLimitBytes. */
  hostMemories?: boolean;
  /** Bulk memory ops (memory.fill/copy/init) cost length >> bulkShift extra fuel. Default 3. */
  bulkShift?: number;
}

export interface MemoryInfo {
  /** Set for an imported memory (a hosted one comes from wasmkube.memory<i>): the host creates it with these limits. */
  importedFrom?: { module: string; name: string };
  initialPages: number;
  /** After the cap; undefined = the engine's default (4 GiB for 32-bit memories). */
  maximumPages?: number;
  shared: boolean;
  memory64: boolean;
}

export interface InstrumentResult {
  bytes: Uint8Array;
  memories: MemoryInfo[];
  /** Name of the exported function the host must call right after instantiation (the module's start
   *  function, moved out of the start section when metered), if any. */
  startExport?: string;
  /** Name of the exported i32 global set to 1 on a failed memory.grow, when a memory cap is set. */
  growFailedExport?: string;
}

const PAGE = 65536;

export function instrument(bytes: Uint8Array, opts: InstrumentOptions): InstrumentResult {
  const m = decodeModule(bytes);
  const types = readTypes(m);
  if (types.some((t) => t === undefined)) {
    throw new ImageError('UnsupportedImage', 'the module uses garbage-collection types (rec/struct/array), which are not supported');
  }
  const imports = readImports(m);
  const funcTypes = readFunctions(m);
  const importedFuncs = imports.filter((i) => i.kind === 0).length;
  const importedGlobals = imports.filter((i) => i.kind === 3).length;
  const importedMems = imports.filter((i) => i.kind === 2);
  const definedMems = readMemories(m);
  const exports = readExports(m);
  const metered = opts.metered;
  const remap = (f: number): number => (metered && f >= importedFuncs ? f + 1 : f);

  for (const imp of imports) {
    if (imp.module === FUEL_IMPORT_MODULE) {
      throw new ImageError('UnsupportedImport', `the module imports "${imp.name}" from the reserved module "${FUEL_IMPORT_MODULE}"`, [
        { module: imp.module, name: imp.name, kind: kindName(imp.kind) },
      ]);
    }
  }
  for (const e of exports) {
    if (e.name.startsWith('wasmkube_')) {
      throw new ImageError('UnsupportedImage', `the module exports "${e.name}": names starting with "wasmkube_" are reserved`);
    }
  }

  // ---- memory cap, or memories the host creates
  if (opts.hostMemories && opts.memoryLimitBytes !== undefined) throw new Error('instrument: hostMemories and memoryLimitBytes exclude each other');
  const hosted = opts.hostMemories === true && definedMems.length > 0;
  if (hosted && definedMems.some((l) => l.flags & 4)) {
    throw new ImageError('UnsupportedImage', 'the module defines a 64-bit memory (memory64), which is not supported');
  }
  const memories: MemoryInfo[] = [];
  const limit = opts.memoryLimitBytes;
  const cap = limit === undefined ? undefined : Math.floor(limit / PAGE);
  const capLimits = (l: Limits): void => {
    if (limit !== undefined) l.max = cappedMaximumPages(l.min, l.max, limit);
  };
  const hostedImports: Import[] = [];
  for (const imp of importedMems) {
    capLimits(imp.limits!);
    memories.push(memoryInfo(imp.limits!, imp));
  }
  for (const [i, l] of definedMems.entries()) {
    capLimits(l);
    if (!hosted) {
      memories.push(memoryInfo(l));
      continue;
    }
    const imp: Import = { module: FUEL_IMPORT_MODULE, name: hostedMemoryName(importedMems.length + i), kind: 2, limits: l, desc: new Uint8Array(0) };
    hostedImports.push(imp);
    memories.push(memoryInfo(l, imp));
  }
  if (hosted) m.remove((s) => s.id === SectionId.memory);
  else if (cap !== undefined && definedMems.length > 0) m.put(SectionId.memory, writeMemories(definedMems));

  if (!metered && cap === undefined && !opts.hostMemories) return { bytes, memories }; // nothing to rewrite

  const memory64 = memories.map((x) => x.memory64);
  // Imported memories keep their indices; hosted ones follow them, as the defined ones did.
  const newImports: Import[] = [...imports, ...hostedImports];
  let globals = countGlobals(m);
  const newGlobals: Uint8Array[] = [];
  const newExports = exports.map((e) => (e.kind === 0 ? { ...e, index: remap(e.index) } : e));
  const result: InstrumentResult = { bytes, memories };

  // ---- fuel import and global
  let fuelGlobal = -1;
  if (metered) {
    const typeIndex = voidTypeIndex(m, types);
    const desc = new Writer(5).u32(typeIndex).finish();
    newImports.push({ module: FUEL_IMPORT_MODULE, name: FUEL_IMPORT_NAME, kind: 0, typeIndex, desc });
    fuelGlobal = importedGlobals + globals++;
    newGlobals.push(new Uint8Array([0x7e, 0x01, Op.i64_const, 0x00, Op.end]));
    newExports.push({ name: FUEL_GLOBAL_EXPORT, kind: 3, index: fuelGlobal });
  }
  let growGlobal = -1;
  if ((cap !== undefined || opts.hostMemories) && memories.length > 0) {
    growGlobal = importedGlobals + globals++;
    newGlobals.push(new Uint8Array([0x7f, 0x01, Op.i32_const, 0x00, Op.end]));
    newExports.push({ name: GROW_FAILED_EXPORT, kind: 3, index: growGlobal });
    result.growFailedExport = GROW_FAILED_EXPORT;
  }
  if (newImports.length > 0 && (metered || cap !== undefined || hosted)) m.put(SectionId.import, writeImports(newImports));
  if (newGlobals.length > 0 || metered) rewriteGlobals(m, newGlobals, remap);

  // ---- start function → export, so that no guest code runs before the host sets the grant
  const start = readStart(m);
  if (metered && start !== undefined) {
    m.remove((s) => s.id === SectionId.start);
    newExports.push({ name: START_EXPORT, kind: 0, index: remap(start) });
    result.startExport = START_EXPORT;
  }
  if (newExports.length !== exports.length || metered) m.put(SectionId.export, writeExports(newExports));

  if (metered) {
    rewriteElements(m, remap);
    rewriteTables(m, remap);
    renumberNames(m, remap);
  }

  // ---- code
  if (metered || growGlobal >= 0) {
    const ctx: BodyContext = {
      metered,
      importedFuncs,
      outOfFuelFunc: importedFuncs,
      fuelGlobal,
      growFailedGlobal: growGlobal,
      memory64,
      bulkShift: opts.bulkShift ?? 3,
    };
    rewriteCode(m, funcTypes.map((t) => types[t]?.params ?? 0), ctx);
  }
  result.bytes = m.encode();
  return result;
}

function kindName(kind: number): string {
  return ['function', 'table', 'memory', 'global', 'tag'][kind] ?? `kind ${kind}`;
}

/** The pages a memory may grow to under limitBytes; throws MemoryLimitTooLow when its initial size is already above it. */
export function cappedMaximumPages(initialPages: number, maximumPages: number | undefined, limitBytes: number): number {
  const cap = Math.floor(limitBytes / PAGE);
  if (initialPages > cap) {
    throw new ImageError('MemoryLimitTooLow', `memory limit ${formatQuantity(limitBytes)} is below the module's initial memory of ${formatBytes(initialPages * PAGE)}`);
  }
  return maximumPages === undefined ? cap : Math.min(maximumPages, cap);
}

function memoryInfo(l: Limits, imp?: Import): MemoryInfo {
  return {
    importedFrom: imp ? { module: imp.module, name: imp.name } : undefined,
    initialPages: l.min,
    maximumPages: l.max,
    shared: (l.flags & 2) !== 0,
    memory64: (l.flags & 4) !== 0,
  };
}

/** Index of a () -> () function type, appending one to the type section if there is none. */
function voidTypeIndex(m: WasmModule, types: ReturnType<typeof readTypes>): number {
  const found = types.findIndex((t) => t && t.raw.length === 3 && t.raw[0] === 0x60 && t.raw[1] === 0 && t.raw[2] === 0);
  if (found >= 0) return found;
  const w = new Writer();
  w.u32(types.length + 1);
  const s = m.get(SectionId.type);
  if (s) {
    const r = m.reader(s);
    r.u32();
    w.bytes(s.payload.subarray(r.pos));
  }
  w.u8(0x60).u8(0).u8(0);
  m.put(SectionId.type, w.finish());
  return types.length;
}

/** Copies a constant expression, renumbering ref.func. */
function rewriteConstExpr(r: Reader, w: Writer, remap: (f: number) => number): void {
  const d = newDecoded();
  for (;;) {
    const start = r.pos;
    readInstruction(r, d);
    if (d.op === Op.ref_func) w.u8(Op.ref_func).u32(remap(d.imm));
    else w.bytes(r.bytes.subarray(start, r.pos));
    if (d.op === Op.end) return;
  }
}

function rewriteGlobals(m: WasmModule, added: Uint8Array[], remap: (f: number) => number): void {
  const s = m.get(SectionId.global);
  const w = new Writer();
  const r = s ? m.reader(s) : undefined;
  const n = r ? r.u32() : 0;
  w.u32(n + added.length);
  for (let i = 0; i < n; i++) {
    const start = r!.pos;
    readValType(r!);
    r!.u8();
    w.bytes(r!.bytes.subarray(start, r!.pos));
    rewriteConstExpr(r!, w, remap);
  }
  for (const g of added) w.bytes(g);
  m.put(SectionId.global, w.finish());
}

function rewriteElements(m: WasmModule, remap: (f: number) => number): void {
  const s = m.get(SectionId.element);
  if (!s) return;
  const r = m.reader(s);
  const w = new Writer(s.payload.length + 16);
  const n = r.u32();
  w.u32(n);
  const copy = (from: number) => w.bytes(r.bytes.subarray(from, r.pos));
  for (let i = 0; i < n; i++) {
    const flags = r.u32();
    w.u32(flags);
    if (flags > 7) r.fail(`invalid element segment flags ${flags}`);
    if (flags === 2 || flags === 6) w.u32(r.u32()); // table index
    if ((flags & 1) === 0) rewriteConstExpr(r, w, remap); // active: offset
    if (flags & 3) {
      // elemkind (0x00) or reftype
      const at = r.pos;
      if (flags & 4) readValType(r);
      else r.u8();
      copy(at);
    }
    const count = r.u32();
    w.u32(count);
    for (let j = 0; j < count; j++) {
      if (flags & 4) rewriteConstExpr(r, w, remap);
      else w.u32(remap(r.u32()));
    }
  }
  m.put(SectionId.element, w.finish());
}

/** Tables may carry an initialiser expression (typed function references): renumber ref.func. */
function rewriteTables(m: WasmModule, remap: (f: number) => number): void {
  const s = m.get(SectionId.table);
  if (!s) return;
  const r = m.reader(s);
  const w = new Writer(s.payload.length + 16);
  const n = r.u32();
  w.u32(n);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const withInit = r.bytes[r.pos] === 0x40;
    if (withInit) r.skip(2);
    readValType(r);
    writeLimits(w.bytes(r.bytes.subarray(at, r.pos)), readLimits(r));
    if (withInit) rewriteConstExpr(r, w, remap);
  }
  m.put(SectionId.table, w.finish());
}

function rewriteCode(m: WasmModule, params: number[], ctx: BodyContext): void {
  const s = m.get(SectionId.code);
  if (!s) return;
  const r = m.reader(s);
  const n = r.u32();
  if (n !== params.length) r.fail(`code section has ${n} bodies for ${params.length} functions`);
  const w = new Writer(Math.ceil(s.payload.length * 1.5) + 16);
  w.u32(n);
  for (let i = 0; i < n; i++) {
    const size = r.u32();
    const bodyStart = r.pos;
    r.skip(size);
    instrumentBody(new Reader(r.bytes, bodyStart, bodyStart + size, r.base), params[i], ctx, w);
  }
  m.put(SectionId.code, w.finish());
}
