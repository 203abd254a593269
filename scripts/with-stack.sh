#!/usr/bin/env bash
# Runs one of the stack commands (scripts/<name>.ts: adopt, migrate, db) in the environment every
# Pulumi command of this project uses (scripts/pulumi-env.sh: backend, passphrase, PATH), for the
# stack $HIVE_DB_STACK (default dev).
#   bash scripts/with-stack.sh adopt.ts --container hive-postgres --env-file ../automagik-hive/.env
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pulumi-env.sh
. scripts/pulumi-env.sh
export HIVE_DB_STACK="$stack"
script="$1"
shift
exec ts-node --transpile-only "scripts/$script" "$@"
