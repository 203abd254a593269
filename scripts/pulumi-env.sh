# Sourced by scripts/up.sh and scripts/down.sh: the environment every Pulumi command of this
# project runs in, with no Pulumi Cloud account.
#   PATH                       the lockfile's Node 22 first (@pulumi/pulumi needs Node >= 22); the
#                              Pulumi CLI and its plugins are expected on PATH
#   PULUMI_BACKEND_URL         state backend          (default file://$HOME/.pulumi-hive-db)
#   PULUMI_CONFIG_PASSPHRASE / PULUMI_CONFIG_PASSPHRASE_FILE
#                              secrets passphrase     (default: a generated file,
#                                                      $HOME/.config/hive-db/passphrase)
#   HIVE_DB_STACK              stack name             (default dev)

die() {
	echo "hive-db: error: $*" >&2
	exit 1
}

stack="${HIVE_DB_STACK:-dev}"
PATH="$PWD/node_modules/.bin:$PATH"
export PATH PULUMI_SKIP_UPDATE_CHECK="${PULUMI_SKIP_UPDATE_CHECK:-1}"

command -v pulumi >/dev/null ||
	die "the Pulumi CLI is not on PATH. Install it (https://www.pulumi.com/docs/install/) with the docker, postgresql and random plugins, then run again."

export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$HOME/.pulumi-hive-db}"
if [[ "$PULUMI_BACKEND_URL" == file://* ]]; then
	mkdir -p "${PULUMI_BACKEND_URL#file://}"
fi
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
	passphrase_file="$HOME/.config/hive-db/passphrase"
	if [ ! -s "$passphrase_file" ]; then
		mkdir -p "$(dirname "$passphrase_file")"
		(umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >"$passphrase_file")
		echo "hive-db: generated a secrets passphrase in $passphrase_file (back it up: without it the stack's secrets cannot be read)"
	fi
	export PULUMI_CONFIG_PASSPHRASE_FILE="$passphrase_file"
fi
