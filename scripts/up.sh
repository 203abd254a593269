#!/usr/bin/env bash
# The first command on a fresh clone: installs the npm dependencies from the lockfile when they are
# missing, then runs `npm run up` (src/commands/up/main.ts) with the same arguments.
#   bash scripts/up.sh [--stack NAME]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
exec npm run --silent up -- "$@"
