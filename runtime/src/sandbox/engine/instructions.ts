// Decoding of one instruction and its immediates, for every opcode V8 11–13 accepts outside the GC
// proposal: MVP, sign extension, saturating conversions, bulk memory, reference types, multi-value,
// tail calls, typed function references, legacy and exnref exception handling, threads (0xfe) and
// SIMD incl. relaxed SIMD (0xfd). We only need to know where each instruction ends and a few of its
// immediates (branch depths, function indices, memory indices), not to type-check: V8 validates.

import { Reader } from './bytes.js';
import { ImageError } from './errors.js';

export const Op = {
  unreachable: 0x00, nop: 0x01, block: 0x02, loop: 0x03, if: 0x04, else: 0x05,
  try: 0x06, catch: 0x07, throw: 0x08, rethrow: 0x09, throw_ref: 0x0a, end: 0x0b,
  br: 0x0c, br_if: 0x0d, br_table: 0x0e, return: 0x0f, call: 0x10, call_indirect: 0x11,
  return_call: 0x12, return_call_indirect: 0x13, call_ref: 0x14, return_call_ref: 0x15,
  delegate: 0x18, catch_all: 0x19, drop: 0x1a, select: 0x1b, select_t: 0x1c, try_table: 0x1f,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22, global_get: 0x23, global_set: 0x24,
  i32_load: 0x28, memory_size: 0x3f, memory_grow: 0x40,
  i32_const: 0x41, i64_const: 0x42, i32_eq: 0x46, i32_shr_u: 0x76,
  i64_lt_s: 0x53, i64_sub: 0x7d, i64_shr_u: 0x88, i64_extend_i32_u: 0xad,
  ref_null: 0xd0, ref_func: 0xd2, br_on_null: 0xd4, br_on_non_null: 0xd6,
} as const;

/** Prefixed opcodes are numbered prefix * 0x10000 + sub-opcode. */
export const MISC = 0xfc * 0x10000;
export const SIMD = 0xfd * 0x10000;
export const ATOMIC = 0xfe * 0x10000;
export const MiscOp = { memory_init: MISC + 8, memory_copy: MISC + 10, memory_fill: MISC + 11 } as const;

/** What the walker needs from one instruction besides its extent. */
export interface Decoded {
  op: number;
  /** Branch depth (br, br_if, br_on_*, rethrow, delegate), function index (call, return_call,
   *  ref.func), memory index (memory.grow/size/fill/init, first of memory.copy), tag index. */
  imm: number;
  /** memory.copy: the source memory. */
  imm2: number;
  /** br_table: every depth, default last. try_table: every catch label. */
  depths: number[];
}

export function newDecoded(): Decoded {
  return { op: 0, imm: 0, imm2: 0, depths: [] };
}

/** Reads a value type: number types, v128, funcref/externref and the other abstract reference
 *  shorthands, and (ref null? ht) with a heap type. */
export function readValType(r: Reader): void {
  const b = r.u8();
  if (b === 0x63 || b === 0x64) {
    r.s33();
    return;
  }
  if (b >= 0x69 && b <= 0x7f) return;
  r.pos--;
  r.fail(`unknown value type 0x${b.toString(16)}`);
}

function readBlockType(r: Reader): void {
  const b = r.bytes[r.pos];
  if (b === 0x40) {
    r.pos++;
    return;
  }
  if (b === 0x63 || b === 0x64 || (b >= 0x69 && b <= 0x7f)) {
    readValType(r);
    return;
  }
  const idx = r.s33();
  if (idx < 0) r.fail('invalid block type');
}

/** memarg: alignment (bit 6 says a memory index follows) and offset. Returns the memory index. */
function readMemarg(r: Reader): number {
  const align = r.u32();
  const mem = align & 0x40 ? r.u32() : 0;
  r.skipLeb(10);
  return mem;
}

function unsupported(r: Reader, what: string): never {
  throw new ImageError('UnsupportedImage', `${what} (at byte offset 0x${(r.base + r.pos).toString(16)})`);
}

function unknown(r: Reader, at: number, code: string): never {
  throw new ImageError('InvalidImage', `invalid WebAssembly module: unknown opcode ${code} (at byte offset 0x${(r.base + at).toString(16)})`);
}

/** Decodes the instruction at r.pos into `d` and advances past it. */
export function readInstruction(r: Reader, d: Decoded): void {
  const at = r.pos;
  const op = r.u8();
  d.op = op;
  if (op < 0x45) {
    switch (op) {
      case 0x00: case 0x01: case 0x05: case 0x0a: case 0x0b: case 0x0f: case 0x19:
      case 0x1a: case 0x1b:
        return;
      case 0x02: case 0x03: case 0x04: case 0x06:
        readBlockType(r);
        return;
      case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x12:
      case 0x14: case 0x15: case 0x18: case 0x20: case 0x21: case 0x22: case 0x23:
      case 0x24: case 0x25: case 0x26: case 0x3f: case 0x40:
        d.imm = r.u32();
        return;
      case 0x0e: {
        const n = r.u32();
        d.depths.length = 0;
        for (let i = 0; i <= n; i++) d.depths.push(r.u32());
        return;
      }
      case 0x11: case 0x13:
        d.imm = r.u32();
        d.imm2 = r.u32();
        return;
      case 0x1c: {
        const n = r.u32();
        for (let i = 0; i < n; i++) readValType(r);
        return;
      }
      case 0x1f: {
        readBlockType(r);
        const n = r.u32();
        d.depths.length = 0;
        for (let i = 0; i < n; i++) {
          const kind = r.u8();
          if (kind === 0 || kind === 1) r.u32();
          else if (kind !== 2 && kind !== 3) r.fail(`unknown catch clause kind ${kind}`);
          d.depths.push(r.u32());
        }
        return;
      }
      case 0x41:
        r.skipLeb(5);
        return;
      case 0x42:
        r.skipLeb(10);
        return;
      case 0x43:
        r.skip(4);
        return;
      case 0x44:
        r.skip(8);
        return;
      default:
        if (op >= 0x28 && op <= 0x3e) {
          d.imm = readMemarg(r);
          return;
        }
        unknown(r, at, `0x${op.toString(16)}`);
    }
  }
  if (op <= 0xc4) return; // numeric instructions incl. sign extension: no immediates
  switch (op) {
    case 0xd0: { // ref.null heaptype
      const b = r.bytes[r.pos];
      if (b >= 0x69 && b <= 0x74) r.pos++;
      else r.s33();
      return;
    }
    case 0xd1: case 0xd3: case 0xd5:
      return;
    case 0xd2: case 0xd4: case 0xd6:
      d.imm = r.u32();
      return;
    case 0xfb:
      unsupported(r, 'the garbage-collection proposal (0xfb instructions) is not supported');
    case 0xfc:
      readMisc(r, d, at);
      return;
    case 0xfd:
      readSimd(r, d, at);
      return;
    case 0xfe:
      readAtomic(r, d, at);
      return;
    default:
      unknown(r, at, `0x${op.toString(16)}`);
  }
}

function readMisc(r: Reader, d: Decoded, at: number): void {
  const sub = r.u32();
  d.op = MISC + sub;
  switch (sub) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
      return; // saturating truncations
    case 8: // memory.init data mem
      r.u32();
      d.imm = r.u32();
      return;
    case 9: case 13: case 15: case 16: case 17: // data.drop, elem.drop, table.grow/size/fill
      r.u32();
      return;
    case 10: // memory.copy dst src
      d.imm = r.u32();
      d.imm2 = r.u32();
      return;
    case 11: // memory.fill mem
      d.imm = r.u32();
      return;
    case 12: case 14: // table.init elem table, table.copy t t
      r.u32();
      r.u32();
      return;
    default:
      unknown(r, at, `0xfc ${sub}`);
  }
}

function readSimd(r: Reader, d: Decoded, at: number): void {
  const sub = r.u32();
  d.op = SIMD + sub;
  if (sub <= 11 || sub === 92 || sub === 93) {
    d.imm = readMemarg(r); // loads, load-extends, load-splats, store, load-zero
  } else if (sub === 12 || sub === 13) {
    r.skip(16); // v128.const, i8x16.shuffle
  } else if (sub >= 21 && sub <= 34) {
    r.skip(1); // extract/replace lane
  } else if (sub >= 84 && sub <= 91) {
    d.imm = readMemarg(r); // load/store lane
    r.skip(1);
  } else if (sub > 0x113) {
    unknown(r, at, `0xfd ${sub}`);
  }
  // everything else (arithmetic, relaxed SIMD 0x100–0x113) has no immediate
}

function readAtomic(r: Reader, d: Decoded, at: number): void {
  const sub = r.u32();
  d.op = ATOMIC + sub;
  if (sub === 3) {
    r.u8(); // atomic.fence 0x00
  } else if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) {
    d.imm = readMemarg(r);
  } else {
    unknown(r, at, `0xfe ${sub}`);
  }
}
