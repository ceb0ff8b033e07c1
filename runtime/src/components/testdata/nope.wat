;; A component importing an interface no runtime here provides (example:nope/thing) and calling it from
;; wasi:cli/run: it must be refused before it runs, naming the import.
(component
  (import "example:nope/thing" (instance $t (export "poke" (func))))
  (alias export $t "poke" (func $poke))
  (core func $poke_lowered (canon lower (func $poke)))
  (core module $m
    (import "host" "poke" (func $p))
    (func (export "run") (result i32) call $p i32.const 0))
  (core instance $i (instantiate $m (with "host" (instance (export "poke" (func $poke_lowered))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $runinst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $runinst))
)
