#!/bin/sh
# Rebuilds every sample image (images/<name>.wasm) from its source in src/<name>/.
# The built modules are committed, so a fresh machine needs no compiler; run this after editing
# a source, and in CI to check that the committed modules still build.
#   C:    Debian clang-14 + wasi-libc   (apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)
#   Rust: Debian rustc + wasm32 std      (apt-get install -y rustc libstd-rust-dev-wasm32)
# Override the compilers with CLANG=... RUSTC=... (rustup's rustc usually lacks the wasm target:
# that is why /usr/bin/rustc is the default). Rust is linked with -C lto: it halves std's share of the module.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-14}
RUSTC=${RUSTC:-/usr/bin/rustc}
C_PROGRAMS="web sidecar memhog crash"
RUST_PROGRAMS="burn ticker"

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "build.sh: $1 not found. $2" >&2
    exit 1
  fi
}
need "$CLANG" "Install it with: apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 (or set CLANG=)"
need "$RUSTC" "Install it with: apt-get install -y rustc libstd-rust-dev-wasm32 (or set RUSTC=)"
if [ ! -e /usr/lib/wasm32-wasi/libc.a ] && [ -z "${WASI_SYSROOT:-}" ]; then
  echo "build.sh: wasi-libc not found in /usr/lib/wasm32-wasi: apt-get install -y wasi-libc (or set WASI_SYSROOT=)" >&2
  exit 1
fi
SYSROOT=${WASI_SYSROOT:-/usr}

mkdir -p images
for p in $C_PROGRAMS; do
  "$CLANG" --target=wasm32-wasi --sysroot="$SYSROOT" -O2 -s -Wall -Werror -o "images/$p.wasm" "src/$p/$p.c"
done
for p in $RUST_PROGRAMS; do
  "$RUSTC" --target wasm32-wasi -C opt-level=2 -C strip=symbols -C lto -D warnings -o "images/$p.wasm" "src/$p/$p.rs"
done
# Keep the committed modules small.
for f in images/*.wasm; do
  size=$(wc -c < "$f")
  echo "$f $size bytes"
  if [ "$size" -gt 150000 ]; then echo "build.sh: $f is over 150 KB" >&2; exit 1; fi
done
