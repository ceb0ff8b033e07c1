#!/bin/sh
# hello.wasm: hello.c for WASI preview1 (clang-14 + wasi-libc), adapted to a component with jco.
set -eu
cd "$(dirname "$0")"
clang-14 --target=wasm32-wasi --sysroot=/usr -O2 -s -o hello.core.wasm hello.c
../../../../node_modules/.bin/jco new hello.core.wasm --wasi-command -o hello.wasm
rm hello.core.wasm
clang-14 --target=wasm32-wasi --sysroot=/usr -O2 -s -o files.core.wasm files.c
../../../../node_modules/.bin/jco new files.core.wasm --wasi-command -o files.wasm
rm files.core.wasm
