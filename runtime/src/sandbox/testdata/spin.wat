;; Spins forever without calling the host: only worker.terminate() ends it.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $l (br $l))))
