#!/usr/bin/env bash
# The test suite on Node 24 (pinned in scripts/node24-version, fetched once by scripts/node24.sh).
# The build itself runs on the machine's node (tsc output targets ES2023, which both run).
# Usage: scripts/test-node24.sh [filter ...] [--exclude=substr ...]   (same arguments as scripts/test.mjs)
#   SKIP_BUILD=1  use the dist/ already built (CI builds once for both passes)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node24="$("$root/scripts/node24.sh")"
if [ "${SKIP_BUILD:-}" != 1 ]; then npm run build --silent; fi
exec "$node24" "$root/scripts/test.mjs" "$@"
