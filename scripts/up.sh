#!/usr/bin/env bash
# Brings a hive-db stack up on this machine (default: the dev stack) with no Pulumi Cloud account:
# installs the npm dependencies from the lockfile, makes sure a Docker engine answers, uses a local
# state backend and a passphrase file (scripts/pulumi-env.sh), selects (or creates) the stack,
# generates its admin password once, then runs src/commands/up/main.ts up: the image check, a refresh of
# the Docker resources (repairs a container removed or stopped by hand) and `pulumi up`.
#
# Environment (all optional): see scripts/pulumi-env.sh, and
#   HIVE_DB_SKIP_DOCKER=1      skip the Docker check (a stack with hive-db:server needs no Docker)
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
# shellcheck source=scripts/pulumi-env.sh
. scripts/pulumi-env.sh

if [ "${HIVE_DB_SKIP_DOCKER:-0}" != 1 ]; then
	bash scripts/docker-bootstrap.sh
fi

pulumi stack select --create "$stack" --non-interactive
# The admin password lives in the stack config (encrypted), where it outlives `pulumi destroy` like
# the data directory that holds it. Generated once, through stdin: never on a command line.
if ! pulumi config get hive-db:adminPassword --stack "$stack" >/dev/null 2>&1; then
	node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' |
		pulumi config set --secret hive-db:adminPassword --stack "$stack" --non-interactive
	echo "up: generated hive-db:adminPassword (a secret in the stack config)"
fi

exec ts-node --transpile-only src/commands/up/main.ts up "$stack"
