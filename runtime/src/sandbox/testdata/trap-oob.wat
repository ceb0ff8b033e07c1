;; Reads far past the end of its one-page memory: "out of bounds memory access".
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (i32.load (i32.const 0x7fff0000)))))
