;; Grows its memory a page at a time until memory.grow fails (the maximum is 64 pages = 4 MiB,
;; as the engine writes a memory limit into a module), then traps like abort() on malloc NULL.
(module
  (memory (export "memory") 1 64)
  (func (export "_start")
    (loop $l
      (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable))
