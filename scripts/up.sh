#!/usr/bin/env bash
# Brings a hive-db stack up on this machine (default: the dev stack) with no Pulumi Cloud account:
# installs the npm dependencies from the lockfile, makes sure a Docker engine answers, uses a local
# state backend and a passphrase file, selects (or creates) the stack and runs `pulumi up`.
#
# Environment (all optional):
#   HIVE_DB_STACK              stack name                          (default dev)
#   PULUMI_BACKEND_URL         state backend                       (default file://$HOME/.pulumi-hive-db)
#   PULUMI_CONFIG_PASSPHRASE / PULUMI_CONFIG_PASSPHRASE_FILE
#                              secrets passphrase                  (default: a generated file,
#                                                                   $HOME/.config/hive-db/passphrase)
#   HIVE_DB_SKIP_DOCKER=1      skip the Docker check (a stack with hive-db:server needs no Docker)
# Extra arguments go to `pulumi up` (e.g. --diff); it runs with --yes: this script exists to apply.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
	echo "up: error: $*" >&2
	exit 1
}

stack="${HIVE_DB_STACK:-dev}"

# The Pulumi CLI cannot be installed by npm. A toolchain beside the repo (built to match the pinned
# packages) wins over a user install: it is prepended last.
for candidate in "$HOME/.pulumi/bin" ../shared/toolchain/bin; do
	[ -x "$candidate/pulumi" ] && PATH="$(cd "$candidate" && pwd):$PATH"
done
command -v pulumi >/dev/null ||
	die "the Pulumi CLI is not on PATH. Install it (https://www.pulumi.com/docs/install/) or put it in ../shared/toolchain/bin, then run again."

[ -d node_modules ] || npm ci --no-audit --no-fund
# @pulumi/pulumi needs Node >= 22; the lockfile's `node` package provides it, first on PATH so the
# Pulumi language host runs the program with it.
PATH="$PWD/node_modules/.bin:$PATH"
export PATH

if [ "${HIVE_DB_SKIP_DOCKER:-0}" != 1 ]; then
	bash scripts/docker-bootstrap.sh
fi

export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$HOME/.pulumi-hive-db}"
if [[ "$PULUMI_BACKEND_URL" == file://* ]]; then
	mkdir -p "${PULUMI_BACKEND_URL#file://}"
fi
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
	passphrase_file="$HOME/.config/hive-db/passphrase"
	if [ ! -s "$passphrase_file" ]; then
		mkdir -p "$(dirname "$passphrase_file")"
		(umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >"$passphrase_file")
		echo "up: generated a secrets passphrase in $passphrase_file (back it up: without it the stack's secrets cannot be read)"
	fi
	export PULUMI_CONFIG_PASSPHRASE_FILE="$passphrase_file"
fi

pulumi stack select --create "$stack" --non-interactive
# The admin password lives in the stack config (encrypted), where it outlives `pulumi destroy` like
# the data directory that holds it. Generated once, through stdin: never on a command line.
if ! pulumi config get hive-db:adminPassword --stack "$stack" >/dev/null 2>&1; then
	node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' |
		pulumi config set --secret hive-db:adminPassword --stack "$stack" --non-interactive
	echo "up: generated hive-db:adminPassword (a secret in the stack config)"
fi
pulumi up --stack "$stack" --yes --non-interactive "$@"
echo "up: done. Outputs: pulumi stack output --stack $stack --json --show-secrets (with the same PULUMI_BACKEND_URL and passphrase)"
