// Rewrites one function body: fuel metering, function-index renumbering and memory.grow failure
// detection. Two passes: the first decodes every instruction, follows the control structure and
// decides what to insert where (actions keyed by position: "before instruction p"); the second
// copies the original bytes, inserting the actions.
//
// Metering scheme (FACTS.md "Fuel metering"):
//  - the remaining fuel lives in a local, loaded from the global at entry;
//  - a straight-line segment is charged its cost once, at its start. A segment starts at function
//    entry, at a loop header, at the start of an if/else arm or a catch, and after an `end` that
//    branches join (a block someone branches to, an if, a try). `br_if` does not end a segment: the
//    code after it is charged with the code before it (slight overcharge when taken, one charge less);
//  - the local is checked (< 0 → call out_of_fuel) at loop headers and at the entry of functions
//    that call other wasm functions (a function without loops or calls runs a bounded number of
//    instructions, so it needs no check);
//  - the local is stored to the global before every call, return, tail call, throw, trap and the
//    function's end, and reloaded after every call and at catch handlers (callees, the host and
//    out_of_fuel change the global).
// A function containing try_table (exnref) keeps the global in sync after every charge, because its
// catch labels are reached from throws deeper in the stack and reload the global there.

import { Reader, Writer } from './bytes.js';
import { MiscOp, Op, newDecoded, readInstruction, readValType } from './instructions.js';

export interface BodyContext {
  metered: boolean;
  /** Function imports of the original module; defined functions shift by one when metered. */
  importedFuncs: number;
  /** Function index of wasmkube.out_of_fuel (== importedFuncs). */
  outOfFuelFunc: number;
  fuelGlobal: number;
  /** Global set to 1 when memory.grow fails, or -1 for none. */
  growFailedGlobal: number;
  /** Per memory index: is it a 64-bit memory? (we leave those alone). */
  memory64: boolean[];
  /** Bulk memory operations are charged length >> bulkShift fuel on top of their static cost. */
  bulkShift: number;
}

const RELOAD = 1, SEG = 2, CHECK = 4, FLUSH = 8, DYN = 16;
const COPY = 0, RENUMBER_CALL = 1, RENUMBER_REF = 2, GROW = 3;

const enum Kind { Func, Block, Loop, If, Try, TryTable }

interface Frame {
  kind: Kind;
  reachableAtStart: boolean;
  /** Reached by a branch (block end is a join point). */
  targeted: boolean;
  /** An earlier arm (then, try body, catch) fell through to the end. */
  fallthrough: boolean;
  /** try_table catches land here: reload the counter. */
  excTarget: boolean;
  /** Position after the loop instruction (loops only): where an exception target reloads. */
  headerPos: number;
}

// Scratch arrays reused across bodies (one body at a time).
let starts = new Int32Array(1024);
let rewrite = new Uint8Array(1024);
let imms = new Int32Array(1024);
let flags = new Uint8Array(1025);
let charge = new Float64Array(1025);

function ensureScratch(n: number): void {
  if (starts.length >= n + 2) return;
  const size = Math.max(n + 2, starts.length * 2);
  starts = new Int32Array(size);
  rewrite = new Uint8Array(size);
  imms = new Int32Array(size);
  flags = new Uint8Array(size + 1);
  charge = new Float64Array(size + 1);
}

function instructionCost(op: number): number {
  // Structure markers produce no machine code.
  return op === Op.nop || op === Op.block || op === Op.loop || op === Op.end || op === Op.else ||
    op === Op.try || op === Op.try_table
    ? 0
    : 1;
}

/** Rewrites the body at bytes[start, end) (after its size prefix); `params` = its parameter count. */
export function instrumentBody(body: Reader, params: number, ctx: BodyContext, out: Writer): void {
  const bytes = body.bytes;
  // ---- locals
  const localsStart = body.pos;
  const groups = body.u32();
  let locals = 0;
  for (let i = 0; i < groups; i++) {
    locals += body.u32();
    readValType(body);
  }
  const localsEnd = body.pos;
  const codeStart = body.pos;
  const end = body.end;
  ensureScratch(end - codeStart);
  const fuelLocal = params + locals;
  const tmpLocal = fuelLocal + (ctx.metered ? 1 : 0);
  const K = ctx.importedFuncs;
  const metered = ctx.metered;

  // ---- pass 1: decode, analyse
  const d = newDecoded();
  const stack: Frame[] = [{ kind: Kind.Func, reachableAtStart: true, targeted: false, fallthrough: false, excTarget: false, headerPos: 0 }];
  let reachable = true;
  let seg = 0;
  let n = 0;
  let needTmp = false;
  let hasCalls = false;
  let synced = false;
  let anyRewrite = false;
  flags[0] = RELOAD | SEG;
  charge[0] = 0;

  const frameAt = (depth: number): Frame => {
    const f = stack[stack.length - 1 - depth];
    if (!f) body.fail(`branch depth ${depth} out of range`);
    return f;
  };
  const target = (depth: number, i: number): void => {
    const f = frameAt(depth);
    f.targeted = true;
    if (f.kind === Kind.Func) flags[i] |= FLUSH; // a branch to the function label returns
  };
  const startSegment = (p: number): void => {
    flags[p] |= SEG;
    seg = p;
  };

  while (body.pos < end) {
    if (stack.length === 0) body.fail('instructions after the final end');
    const i = n++;
    starts[i] = body.pos;
    rewrite[i] = COPY;
    flags[i + 1] = 0;
    charge[i + 1] = 0;
    readInstruction(body, d);
    const op = d.op;
    if (reachable && metered) charge[seg] += instructionCost(op);

    switch (op) {
      case Op.block:
      case Op.try:
        stack.push({ kind: op === Op.block ? Kind.Block : Kind.Try, reachableAtStart: reachable, targeted: false, fallthrough: false, excTarget: false, headerPos: 0 });
        break;
      case Op.try_table:
        synced = true;
        for (const depth of d.depths) {
          const f = frameAt(depth);
          f.targeted = true;
          f.excTarget = true;
        }
        stack.push({ kind: Kind.TryTable, reachableAtStart: reachable, targeted: false, fallthrough: false, excTarget: false, headerPos: 0 });
        break;
      case Op.loop:
        stack.push({ kind: Kind.Loop, reachableAtStart: reachable, targeted: false, fallthrough: false, excTarget: false, headerPos: i + 1 });
        if (reachable && metered) {
          startSegment(i + 1);
          flags[i + 1] |= CHECK;
        }
        break;
      case Op.if:
        stack.push({ kind: Kind.If, reachableAtStart: reachable, targeted: false, fallthrough: false, excTarget: false, headerPos: 0 });
        if (reachable && metered) startSegment(i + 1);
        break;
      case Op.else: {
        const f = stack[stack.length - 1];
        f.fallthrough ||= reachable;
        reachable = f.reachableAtStart;
        if (reachable && metered) startSegment(i + 1);
        break;
      }
      case Op.catch:
      case Op.catch_all: {
        const f = stack[stack.length - 1];
        f.fallthrough ||= reachable;
        reachable = f.reachableAtStart;
        if (reachable && metered) {
          flags[i + 1] |= RELOAD;
          startSegment(i + 1);
        }
        break;
      }
      case Op.end:
      case Op.delegate: {
        const f = stack.pop()!;
        if (f.kind === Kind.Func) {
          if (reachable && metered) flags[i] |= FLUSH;
          reachable = false;
          break;
        }
        let after: boolean;
        let join: boolean;
        switch (f.kind) {
          case Kind.Loop:
            after = reachable;
            join = false;
            break;
          case Kind.If:
          case Kind.Try:
            after = reachable || f.fallthrough || f.targeted || (f.kind === Kind.If && f.reachableAtStart);
            join = true;
            break;
          default:
            after = reachable || f.targeted;
            join = f.targeted;
        }
        reachable = after;
        if (!metered) break;
        if (f.excTarget) {
          if (f.kind === Kind.Loop) flags[f.headerPos] |= RELOAD;
          else if (after) flags[i + 1] |= RELOAD;
        }
        if (after && join) startSegment(i + 1);
        break;
      }
      case Op.br:
        if (reachable) target(d.imm, i);
        reachable = false;
        break;
      case Op.br_if:
      case Op.br_on_null:
      case Op.br_on_non_null:
        if (reachable) target(d.imm, i);
        break;
      case Op.br_table:
        if (reachable) for (const depth of d.depths) target(depth, i);
        reachable = false;
        break;
      case Op.return:
      case Op.unreachable:
      case Op.throw:
      case Op.rethrow:
      case Op.throw_ref:
        if (reachable) flags[i] |= FLUSH;
        reachable = false;
        break;
      case Op.call:
        if (metered && d.imm >= K) {
          rewrite[i] = RENUMBER_CALL;
          imms[i] = d.imm + 1;
          anyRewrite = true;
        }
        if (d.imm >= K) hasCalls = true;
        if (reachable) {
          flags[i] |= FLUSH;
          flags[i + 1] |= RELOAD;
        }
        break;
      case Op.call_indirect:
      case Op.call_ref:
        hasCalls = true;
        if (reachable) {
          flags[i] |= FLUSH;
          flags[i + 1] |= RELOAD;
        }
        break;
      case Op.return_call:
        if (metered && d.imm >= K) {
          rewrite[i] = RENUMBER_CALL;
          imms[i] = d.imm + 1;
          anyRewrite = true;
        }
        hasCalls = true;
        if (reachable) flags[i] |= FLUSH;
        reachable = false;
        break;
      case Op.return_call_indirect:
      case Op.return_call_ref:
        hasCalls = true;
        if (reachable) flags[i] |= FLUSH;
        reachable = false;
        break;
      case Op.ref_func:
        if (metered && d.imm >= K) {
          rewrite[i] = RENUMBER_REF;
          imms[i] = d.imm + 1;
          anyRewrite = true;
        }
        break;
      case Op.memory_grow:
        if (ctx.growFailedGlobal >= 0 && !ctx.memory64[d.imm]) {
          rewrite[i] = GROW;
          needTmp = true;
          anyRewrite = true;
        }
        break;
      case MiscOp.memory_fill:
      case MiscOp.memory_init:
      case MiscOp.memory_copy:
        if (reachable && metered && ctx.bulkShift >= 0 && !ctx.memory64[d.imm] && !(op === MiscOp.memory_copy && ctx.memory64[d.imm2])) {
          flags[i] |= DYN;
          needTmp = true;
        }
        break;
      default:
        break;
    }
  }
  if (stack.length !== 0) body.fail('function body does not end with end');
  starts[n] = end;
  if (metered && hasCalls) flags[0] |= CHECK;

  // ---- pass 2: emit
  if (!metered && !anyRewrite) {
    out.sized(bytes.subarray(localsStart, end));
    return;
  }
  const w = new Writer(Math.ceil((end - localsStart) * 1.6) + 16);
  const extraLocals = (metered ? 1 : 0) + (needTmp ? 1 : 0);
  w.u32(groups + extraLocals);
  w.bytes(bytes.subarray(localsStart + lebLength(bytes, localsStart), localsEnd));
  if (metered) w.u8(1).u8(0x7e);
  if (needTmp) w.u8(1).u8(0x7f);

  const G = ctx.fuelGlobal;
  const slowPath = (): void => {
    w.u8(Op.local_get).u32(fuelLocal).u8(Op.global_set).u32(G);
    w.u8(Op.call).u32(ctx.outOfFuelFunc);
    w.u8(Op.global_get).u32(G).u8(Op.local_set).u32(fuelLocal);
  };
  let copyFrom = codeStart;
  for (let i = 0; i < n; i++) {
    const f = metered ? flags[i] : 0;
    const rw = rewrite[i];
    if (f === 0 && rw === COPY) continue;
    w.bytes(bytes.subarray(copyFrom, starts[i]));
    copyFrom = starts[i];
    if (f !== 0) {
      let onStack = false;
      let changed = false;
      if (f & RELOAD) {
        w.u8(Op.global_get).u32(G);
        onStack = true;
      }
      if (f & SEG && charge[i] > 0) {
        if (!onStack) w.u8(Op.local_get).u32(fuelLocal);
        w.u8(Op.i64_const).sleb(charge[i]).u8(Op.i64_sub);
        onStack = true;
        changed = true;
      }
      const store = (f & FLUSH) !== 0 || (synced && changed);
      if (f & CHECK) {
        if (onStack) w.u8(Op.local_tee).u32(fuelLocal);
        else w.u8(Op.local_get).u32(fuelLocal);
        w.u8(Op.i64_const).u8(0).u8(Op.i64_lt_s).u8(Op.if).u8(0x40);
        slowPath();
        w.u8(Op.end);
        if (store) w.u8(Op.local_get).u32(fuelLocal).u8(Op.global_set).u32(G);
      } else if (onStack) {
        if (store && changed) w.u8(Op.local_tee).u32(fuelLocal).u8(Op.global_set).u32(G);
        else w.u8(Op.local_set).u32(fuelLocal);
      } else if (store) {
        w.u8(Op.local_get).u32(fuelLocal).u8(Op.global_set).u32(G);
      }
      if (f & DYN) {
        // charge the length operand (top of stack) >> bulkShift
        w.u8(Op.local_set).u32(tmpLocal);
        w.u8(Op.local_get).u32(fuelLocal).u8(Op.local_get).u32(tmpLocal).u8(Op.i64_extend_i32_u);
        w.u8(Op.i64_const).sleb(ctx.bulkShift).u8(Op.i64_shr_u).u8(Op.i64_sub);
        if (synced) w.u8(Op.local_tee).u32(fuelLocal).u8(Op.global_set).u32(G);
        else w.u8(Op.local_set).u32(fuelLocal);
        w.u8(Op.local_get).u32(tmpLocal);
      }
    }
    switch (rw) {
      case RENUMBER_CALL:
        w.u8(bytes[starts[i]]).u32(imms[i]);
        copyFrom = starts[i + 1];
        break;
      case RENUMBER_REF:
        w.u8(Op.ref_func).u32(imms[i]);
        copyFrom = starts[i + 1];
        break;
      case GROW:
        w.bytes(bytes.subarray(starts[i], starts[i + 1]));
        w.u8(Op.local_tee).u32(tmpLocal).u8(Op.i32_const).sleb(-1).u8(Op.i32_eq);
        w.u8(Op.if).u8(0x40).u8(Op.i32_const).u8(1).u8(Op.global_set).u32(ctx.growFailedGlobal).u8(Op.end);
        w.u8(Op.local_get).u32(tmpLocal);
        copyFrom = starts[i + 1];
        break;
    }
  }
  w.bytes(bytes.subarray(copyFrom, end));
  out.sized(w);
}

function lebLength(bytes: Uint8Array, at: number): number {
  let n = 1;
  while (bytes[at + n - 1] & 0x80) n++;
  return n;
}
