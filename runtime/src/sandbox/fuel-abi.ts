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
// global (possibly after blocking until the next CFS period) and returns, or throws to trap the
// guest (total fuel budget exhausted → reason FuelExhausted).

export const FUEL_IMPORT_MODULE = 'wasmkube';
export const FUEL_IMPORT_NAME = 'out_of_fuel';
export const FUEL_GLOBAL_EXPORT = 'wasmkube_fuel';
