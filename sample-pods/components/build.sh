#!/bin/sh
# Builds the component samples (committed, so a fresh machine needs no toolchain):
#   web/web.wasm      JS HTTP service: jco componentize (componentize-js, StarlingMonkey), ~14 MB, ~3 min
#   hello/hello.wasm  a C preview1 command adapted to a component: clang-14 + jco new --wasi-command
# jco comes from the runtime's dependencies (@bytecodealliance/jco 1.35.0, with componentize-js).
# Note: preview2-shim must stay at 0.26.0 (0.26.1 breaks jco commands that take --wit).
# wit/deps: wasi:io and wasi:clocks 0.2.10 as shipped in jco's lib/wit/builtin; wasi:http 0.2.10 is
# jco's 0.2.12 package relabelled (same interfaces) without its worlds (they pull in cli, random).
set -eu
cd "$(dirname "$0")"
JCO=${JCO:-../../node_modules/.bin/jco}
CLANG=${CLANG:-clang-14}
what=${1:-all}
if [ "$what" = all ] || [ "$what" = hello ]; then
  "$CLANG" --target=wasm32-wasi --sysroot=/usr -O2 -s -o hello/hello.core.wasm hello/hello.c
  "$JCO" new hello/hello.core.wasm --wasi-command -o hello/hello.wasm
  rm hello/hello.core.wasm
fi
if [ "$what" = all ] || [ "$what" = web ]; then
  "$JCO" componentize web/handler.js --wit web/wit --world-name web -o web/web.wasm
fi
ls -l hello/hello.wasm web/web.wasm
