#!/bin/sh
# Rebuilds the sandbox's test guests from source (the .wasm files are committed so tests need no compiler).
# C: Debian clang-14 + wasi-libc; Rust: Debian rustc with the wasm32-wasi std (call /usr/bin/rustc).
set -eu
cd "$(dirname "$0")"
for c in hello files httpd client membomb cpu cat echo; do
  clang-14 --target=wasm32-wasi --sysroot=/usr -O2 -s -o "$c.wasm" "$c.c"
done
/usr/bin/rustc --target wasm32-wasi -C opt-level=2 -C strip=symbols -o rust_server.wasm rust_server.rs
ls -l *.wasm
