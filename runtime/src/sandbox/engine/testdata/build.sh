#!/bin/sh
# Rebuilds the test guests (committed, so that tests need no compiler) from their C sources.
set -eu
cd "$(dirname "$0")"
for c in *.c; do
  clang-14 --target=wasm32-wasi --sysroot=/usr -O2 -s -o "${c%.c}.wasm" "$c"
done
for rs in *.rs; do
  /usr/bin/rustc --target wasm32-wasi -C opt-level=2 -C strip=symbols -o "${rs%.rs}.wasm" "$rs"
done
