// The contract between the instrumenter (engine/) and the host (the container's worker).
//
// An instrumented module:
//  - imports a function  (import "wasmkube" "out_of_fuel" (func))  that the guest calls when its
//    remaining fuel drops below zero at a check point (function entry, loop header);
//  - exports a mutable i64 global named "wasmkube_fuel": the fuel remaining in the current grant.
//    The guest subtracts the cost of each straight-line segment from it (it may cache the value
//    in a local between calls, flushing it to the global before every call and return, so the
//    host always reads an up-to-date value inside out_of_fuel and after the guest returns).
//
// Inside out_of_fuel the host accounts `grant - remaining` as consumed, then either refills the
// global (possibly after blocking until the next CFS period) and returns, or stops the guest (total
// fuel budget exhausted → reason FuelExhausted). To stop it, trap with engine/trap.ts
// trapUncatchably(), not a JS throw: a guest's catch_all catches JS exceptions thrown by imports
// and would run on. The guest only calls out_of_fuel when the value is negative; if it returns with
// the value still negative the guest runs on until its next check point.
//
// Check points are function entry (of functions that call other wasm functions) and loop headers;
// costs are charged per straight-line segment in advance, so `grant - remaining` may include a few
// instructions not yet executed. Costs: 1 per instruction (block/loop/end/else/nop/try free), plus
// length >> 3 for memory.fill/copy/init.
//
// A module is instantiated with the global at 0: set the grant before calling any export.

export const FUEL_IMPORT_MODULE = 'wasmkube';
export const FUEL_IMPORT_NAME = 'out_of_fuel';
export const FUEL_GLOBAL_EXPORT = 'wasmkube_fuel';

// Added by the engine (names are part of the contract too):
//  - a module that had a start section, instrumented with metering, exports that function as
//    "wasmkube_start" instead: the host sets the fuel grant, then calls it once right after
//    instantiation (before _start / _initialize), as the start section would have done;
//  - with a memory limit, the module exports a mutable i32 global "wasmkube_grow_failed" that
//    memory.grow sets to 1 when it fails: a guest that traps or aborts while it is 1 ran out of
//    memory (report OOMKilled, exit code 137).
//  - compiled with hosted memories, the module imports its own memories instead of defining them,
//    as (import "wasmkube" "memory<index>" (memory …)) with the limits it declared: the host creates
//    each with the container's memory limit as its maximum.
export const START_EXPORT = 'wasmkube_start';
export const GROW_FAILED_EXPORT = 'wasmkube_grow_failed';

export function hostedMemoryName(memoryIndex: number): string {
  return `memory${memoryIndex}`;
}
