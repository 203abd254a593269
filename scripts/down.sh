#!/usr/bin/env bash
# Takes a hive-db stack down like `docker compose down`: removes the container and the network the
# stack created, keeps the data (volume, databases, roles) and says so. `npm run up` brings it all
# back with working credentials.
#
#   bash scripts/down.sh                                      keep the data
#   bash scripts/down.sh --delete-data --confirm <volume>     delete the data for real
# Environment: see scripts/pulumi-env.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pulumi-env.sh
. scripts/pulumi-env.sh
exec ts-node --transpile-only scripts/stack.ts down "$stack" "$@"
