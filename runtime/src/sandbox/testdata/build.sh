#!/bin/sh
# Rebuilds the sandbox's test guests from source (the .wasm files are committed so tests need no compiler).
# C: Debian clang-14 + wasi-libc; Rust: Debian rustc with the wasm32-wasi std (call /usr/bin/rustc).
set -eu
cd "$(dirname "$0")"
for c in hello files httpd client membomb cpu cat echo; do
  clang-14 --target=wasm32-wasi --sysroot=/usr -O2 -s -o "$c.wasm" "$c.c"
done
/usr/bin/rustc --target wasm32-wasi -C opt-level=2 -C strip=symbols -o rust_server.wasm rust_server.rs
# Go (bookworm-backports golang-1.23-go): built only when asked, the module is 7.8 MB and not committed.
#   BUILD_GO=1 ./build.sh  → go_server.wasm (net/http on net.FileListener(os.NewFile(3, "")))
if [ "${BUILD_GO:-}" = 1 ]; then
  (cd go_server && GOOS=wasip1 GOARCH=wasm GOTOOLCHAIN=local GOPROXY=off /usr/lib/go-1.23/bin/go build -ldflags='-s -w' -o ../go_server.wasm .)
fi
ls -l *.wasm
