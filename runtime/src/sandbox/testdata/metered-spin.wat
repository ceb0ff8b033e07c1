;; Hand-written fuel ABI (fuel-abi.ts), as the engine's instrumenter would emit it: every loop
;; iteration costs 100 fuel; when the global goes negative the guest calls out_of_fuel.
;; The test substitutes ITERATIONS (0 = forever) before assembling it.
(module
  (import "wasmkube" "out_of_fuel" (func $oof))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (global $fuel (export "wasmkube_fuel") (mut i64) (i64.const 0))
  (global $limit (mut i64) (i64.const ITERATIONS))
  (memory (export "memory") 1)
  (func $run (param $n i64)
    (local $i i64)
    (loop $l
      (global.set $fuel (i64.sub (global.get $fuel) (i64.const 100)))
      (if (i64.lt_s (global.get $fuel) (i64.const 0)) (then (call $oof)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i32.or (i64.eqz (local.get $n)) (i64.lt_u (local.get $i) (local.get $n))))))
  (func (export "_start")
    (call $run (global.get $limit))
    (call $exit (i32.const 0))))
