#!/usr/bin/env bash
# Entrypoint of the locally built hive-db pgvector image.
#
# It keeps the contract of the official postgres image (docker-library/postgres), so the stack and
# users can swap `agnohq/pgvector:16` for this image without changing how they run it:
#   POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER (postgres),
#   POSTGRES_DB (= user), POSTGRES_INITDB_ARGS, PGDATA, *_FILE variants for Docker secrets,
#   /docker-entrypoint-initdb.d/*.sql|*.sh on first start, `docker run IMAGE -c k=v` flags.
# Differences on purpose: initdb uses scram-sha-256 for every TCP line (the official image trusts
# 127.0.0.1 inside the container), and only the server command gets this treatment.
set -Eeuo pipefail

# `docker run IMAGE -c max_connections=200` means `postgres -c max_connections=200`.
if [ "${1:-}" = "" ] || [ "${1:0:1}" = "-" ]; then
	set -- postgres "$@"
fi

# Anything but the server (bash, psql, pg_dump ...) runs exactly as asked.
if [ "$1" != "postgres" ]; then
	exec "$@"
fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

die() {
	echo >&2 "docker-entrypoint: error: $*"
	exit 1
}

# VAR or VAR_FILE (Docker secrets), never both; exported for the rest of this script only.
file_env() {
	local var="$1" file_var="${1}_FILE" default="${2:-}" value
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		die "both $var and $file_var are set; set only one of them"
	fi
	value="$default"
	if [ -n "${!var:-}" ]; then
		value="${!var}"
	elif [ -n "${!file_var:-}" ]; then
		value="$(<"${!file_var}")"
	fi
	export "$var=$value"
	unset "$file_var"
}

if [ "$(id -u)" = "0" ]; then
	# Fix ownership only where it is wrong: a recursive chown of a large data dir would slow
	# every start. The image's postgres user has uid/gid 999 like the official image, so data
	# volumes move between the two.
	mkdir -p "$PGDATA" /var/run/postgresql
	find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
	chmod 700 "$PGDATA"
	chown postgres:postgres /var/run/postgresql
	chmod 3777 /var/run/postgresql
	# Re-run this script as postgres; `exec` keeps one process, so postgres ends up as PID 1.
	export HOME=/var/lib/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

# Non-root from here on: either dropped above, or started with `docker run --user UID:GID`, in
# which case PGDATA must be writable by that user (a bind mount it owns), as with the official image.
mkdir -p "$PGDATA"
chmod 700 "$PGDATA" 2>/dev/null || :

# initdb refuses to run as a uid without a passwd entry (`--user 4242:4242`); nss_wrapper gives it
# one for the duration of the init only, as the official image does.
use_nss_wrapper() {
	if getent passwd "$(id -u)" >/dev/null; then
		return
	fi
	NSS_WRAPPER_PASSWD="$(mktemp)"
	NSS_WRAPPER_GROUP="$(mktemp)"
	echo "postgres:x:$(id -u):$(id -g):PostgreSQL:$PGDATA:/bin/false" >"$NSS_WRAPPER_PASSWD"
	echo "postgres:x:$(id -g):" >"$NSS_WRAPPER_GROUP"
	export NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP LD_PRELOAD=libnss_wrapper.so
}

drop_nss_wrapper() {
	if [ -n "${NSS_WRAPPER_PASSWD:-}" ]; then
		rm -f "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_GROUP"
		unset NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP LD_PRELOAD
	fi
}

init_database_dir() {
	local auth="$1"
	local -a args=(--username="$POSTGRES_USER" --auth-local=trust --auth-host="$auth" -c "listen_addresses=*")
	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a word list, as in the official image.
	if [ -n "$POSTGRES_PASSWORD" ]; then
		# Process substitution: the password is in no command line and never on disk. It must sit
		# in the initdb command itself; its fd closes when the enclosing command ends.
		initdb "${args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
	else
		initdb "${args[@]}" $POSTGRES_INITDB_ARGS
	fi
	printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
}

# psql over the unix socket as the new superuser (local connections are trust).
init_psql() {
	psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" "$@"
}

init_cluster() {
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	file_env POSTGRES_DB "$POSTGRES_USER"
	file_env POSTGRES_INITDB_ARGS
	local auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != "trust" ]; then
		die "the database is uninitialized and no superuser password is set." \
			"Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value, e.g." \
			"'docker run -e POSTGRES_PASSWORD=...'; POSTGRES_HOST_AUTH_METHOD=trust allows every" \
			"connection without a password and is not recommended."
	fi

	use_nss_wrapper
	init_database_dir "$auth"
	drop_nss_wrapper

	# The temporary server listens on the unix socket only, so a TCP healthcheck
	# (`pg_isready -h 127.0.0.1`) stays unhealthy until the real server is up.
	local -a server_args=("${@:2}" -c listen_addresses= -p 5432)
	pg_ctl -D "$PGDATA" -w start -o "$(printf '%q ' "${server_args[@]}")"

	init_psql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
		SELECT format('CREATE DATABASE %I', :'db')
		WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
	EOSQL

	local f
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
		*.sh) echo "docker-entrypoint: running $f" && . "$f" ;;
		*.sql) echo "docker-entrypoint: running $f" && init_psql --dbname "$POSTGRES_DB" -f "$f" ;;
		*) echo "docker-entrypoint: ignoring $f" ;;
		esac
	done

	pg_ctl -D "$PGDATA" -m fast -w stop
	echo "docker-entrypoint: PostgreSQL init process complete; ready for start up."
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	init_cluster "$@"
else
	echo "docker-entrypoint: PostgreSQL database directory appears to contain a database; skipping initialization"
fi

exec "$@"
