#!/usr/bin/env bash
# Builds the hive-db pgvector image without a container registry: debootstrap a Debian root with
# postgresql-N + postgresql-N-pgvector, add our entrypoint, and `docker import` it.
#
# Usage: bash image/build-image.sh [--rebuild] [--major N] [TAG]
#   TAG          image tag (default: $HIVE_IMAGE_TAG, else hive-db/pgvector:N)
#   --major N    PostgreSQL major version: 17 (Debian trixie, the default) or 18 (Debian sid)
#   --rebuild    build even when TAG already exists
# Environment:
#   HIVE_DEBIAN_MIRROR  Debian mirror to bootstrap from (default: the one this host's apt uses)
#   HIVE_BUILD_DIR      work directory (default: <repo>/.build/image)
# Needs root (debootstrap, chroot) and a Docker engine (scripts/docker-bootstrap.sh starts one).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

die() {
	echo "build-image: error: $*" >&2
	exit 1
}
log() { echo "build-image: $*"; }

rebuild=false
PG_MAJOR=17
tag="${HIVE_IMAGE_TAG:-}"
while [ $# -gt 0 ]; do
	case "$1" in
	--rebuild) rebuild=true ;;
	--major)
		[ $# -ge 2 ] || die "--major needs a version (17 or 18)"
		PG_MAJOR="$2"
		shift
		;;
	--major=*) PG_MAJOR="${1#--major=}" ;;
	-h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	-*) die "unknown option '$1' (try --help)" ;;
	*) tag="$1" ;;
	esac
	shift
done

# The Debian suite that carries postgresql-N-pgvector (bookworm has none). Debian's next release
# (forky) has no debootstrap script on older hosts; sid is the same packages under a name every
# debootstrap knows. sid's Release file may be past its Valid-Until date on a frozen mirror.
case "$PG_MAJOR" in
17) SUITE=trixie APT_OPTIONS=() ;;
18) SUITE=sid APT_OPTIONS=(-o Acquire::Check-Valid-Until=false) ;;
*) die "--major $PG_MAJOR: this script builds PostgreSQL 17 (Debian trixie) or 18 (Debian sid)" ;;
esac
PACKAGES=("postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-pgvector" libnss-wrapper)
tag="${tag:-hive-db/pgvector:$PG_MAJOR}"

docker info >/dev/null 2>&1 || die "no Docker engine answers 'docker info'; run 'bash scripts/docker-bootstrap.sh' first"

if ! $rebuild && docker image inspect "$tag" >/dev/null 2>&1; then
	log "$tag already exists; skipping the build (pass --rebuild to build it again)"
	exit 0
fi

# The image a rebuild replaces; removed at the end unless a container still uses it.
previous="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"

[ "$(id -u)" = "0" ] || die "building the image needs root (debootstrap and chroot); rerun with sudo"

if ! command -v debootstrap >/dev/null; then
	command -v apt-get >/dev/null || die "debootstrap is missing and there is no apt-get to install it; install debootstrap"
	log "installing debootstrap"
	export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
	install_debootstrap() { apt-get install -y -q --no-install-recommends debootstrap debian-archive-keyring >/dev/null; }
	install_debootstrap || { apt-get update -q >/dev/null && install_debootstrap; } ||
		die "could not install debootstrap with apt-get"
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring is missing: install debian-archive-keyring (debootstrap verifies $SUITE's Release file with it)"

# The Debian archive this host's apt already reaches: a URI that serves the host's own codename
# (bookworm, not bookworm-security) in one-line or deb822 sources. Machines here reach Debian
# only through that mirror, and trixie and sid live in the same archive.
host_debian_mirror() {
	local codename
	codename="$(. /etc/os-release && [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}")" || return 0
	[ -n "$codename" ] || return 0
	{
		# One-line format: deb [options] URI SUITE COMPONENTS...
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk -v suite="$codename" '$1 == "deb" { sub(/\[[^]]*\][ \t]*/, ""); if ($3 == suite) print $2 }'
		# deb822 format: blank-line separated stanzas of "Key: value" lines.
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			awk -v suite="$codename" 'BEGIN { RS = ""; FS = "\n" }
				{ uri = ""; has_suite = 0; is_deb = 0
				  for (n = 1; n <= NF; n++) {
					if ($n ~ /^[ \t]*#/) continue
					key = $n; sub(/:.*/, "", key); val = $n; sub(/^[^:]*:[ \t]*/, "", val)
					if (key == "URIs") { split(val, u, /[ \t]+/); uri = u[1] }
					if (key == "Suites") { m = split(val, s, /[ \t]+/); for (j = 1; j <= m; j++) if (s[j] == suite) has_suite = 1 }
					if (key == "Types" && val ~ /(^|[ \t])deb([ \t]|$)/) is_deb = 1
				  }
				  if (has_suite && is_deb && uri != "") print uri }'
	} | head -n1
}

mirror="${HIVE_DEBIAN_MIRROR:-$(host_debian_mirror)}"
[ -n "$mirror" ] ||
	die "no Debian mirror found in /etc/apt/sources.list*: set HIVE_DEBIAN_MIRROR to the Debian archive this machine can reach (e.g. HIVE_DEBIAN_MIRROR=http://your.mirror/debian)"

build_dir="${HIVE_BUILD_DIR:-$repo/.build/image}"
rootfs="$build_dir/rootfs"
mkdir -p "$build_dir"

# Never leave /proc mounted inside the build tree (a later rm -rf would walk into it).
cleanup() {
	if mountpoint -q "$rootfs/proc" 2>/dev/null; then umount "$rootfs/proc"; fi
}
trap cleanup EXIT
cleanup
rm -rf "$rootfs"

started=$SECONDS
log "bootstrapping Debian $SUITE from $mirror into $rootfs (log: $build_dir/debootstrap.log)"
debootstrap --variant=minbase --keyring="$keyring" \
	"$SUITE" "$rootfs" "$mirror" >"$build_dir/debootstrap.log" 2>&1 ||
	die "debootstrap failed; last lines of $build_dir/debootstrap.log:
$(tail -n 20 "$build_dir/debootstrap.log")"

in_root() { chroot "$rootfs" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

# uid/gid 999 like the official postgres image, so a data volume works with either image.
in_root groupadd --system --gid 999 postgres
in_root useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres

# Keep docs, man pages and translations out of the image (licences stay); no service may start
# inside the chroot; the entrypoint creates the cluster, not the package.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/hive-db-slim" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
path-exclude=/usr/share/lintian/*
EOF
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
mkdir -p "$rootfs/etc/postgresql-common/createcluster.d"
echo "create_main_cluster = false" >"$rootfs/etc/postgresql-common/createcluster.d/hive-db.conf"

mount -t proc proc "$rootfs/proc"
log "installing ${PACKAGES[*]} (log: $build_dir/apt.log)"
{ in_root apt-get "${APT_OPTIONS[@]}" update -q && in_root apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; } \
	>"$build_dir/apt.log" 2>&1 ||
	die "apt-get inside the $SUITE root failed; last lines of $build_dir/apt.log:
$(tail -n 20 "$build_dir/apt.log")"
versions="$(in_root dpkg-query -W -f '${Package}=${Version}\n' "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-pgvector" | paste -sd' ')"
umount "$rootfs/proc"

# The files debootstrap installed before the dpkg excludes existed, and apt's caches.
in_root apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/debconf/*-old \
	"$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf '{}' +

install -m 755 "$here/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
# 3777 and 1777 as in the official image: a `docker run --user` uid can still use them.
# /var/run is an absolute symlink to /run: going through it here would change the host's /run.
mkdir -p "$rootfs/run/postgresql" && chown 999:999 "$rootfs/run/postgresql" && chmod 3777 "$rootfs/run/postgresql"
mkdir -p "$rootfs/var/lib/postgresql/data" && chown 999:999 "$rootfs/var/lib/postgresql/data" && chmod 1777 "$rootfs/var/lib/postgresql/data"
install -d -m 755 "$rootfs/docker-entrypoint-initdb.d"

log "importing as $tag ($versions)"
tar --numeric-owner -C "$rootfs" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
	-cf "$build_dir/rootfs.tar" .
changes=(
	--change "ENV PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	--change "ENV PG_MAJOR=$PG_MAJOR"
	--change "ENV LANG=C.UTF-8"
	--change "ENV PGDATA=/var/lib/postgresql/data"
	--change "VOLUME /var/lib/postgresql/data"
	--change 'ENTRYPOINT ["docker-entrypoint.sh"]'
	--change 'CMD ["postgres"]'
	--change "EXPOSE 5432"
	--change "LABEL org.opencontainers.image.title=hive-db/pgvector org.opencontainers.image.description=\"Debian $SUITE, $versions\""
	--message "hive-db image/build-image.sh: Debian $SUITE, $versions"
)
# SIGINT is postgres' fast shutdown, as in the official image; docker's default SIGTERM waits for
# every client to disconnect and ends in SIGKILL after the stop timeout.
if ! docker import "${changes[@]}" --change "STOPSIGNAL SIGINT" "$build_dir/rootfs.tar" "$tag" \
	>/dev/null 2>"$build_dir/import.err"; then
	grep -qi stopsignal "$build_dir/import.err" || die "docker import failed: $(cat "$build_dir/import.err")"
	# Engines before Docker 23 refuse STOPSIGNAL on import; the classic builder adds it on top
	# without a new layer and without a registry (FROM a local image id).
	log "this engine refuses STOPSIGNAL on import; adding it with a one-line build"
	imported="$(docker import "${changes[@]}" "$build_dir/rootfs.tar")"
	printf 'FROM %s\nSTOPSIGNAL SIGINT\n' "$imported" |
		DOCKER_BUILDKIT=0 docker build --quiet --tag "$tag" - >"$build_dir/build.log" 2>&1 ||
		die "docker build (STOPSIGNAL layer) failed: $(tail -n 20 "$build_dir/build.log")"
fi
rm -f "$build_dir/rootfs.tar" "$build_dir/import.err"
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then
	docker image rm "$previous" >/dev/null 2>&1 || log "kept the previous image ${previous:7:12}: a container still uses it"
fi

rm -rf "$rootfs"
size="$(docker image inspect -f '{{.Size}}' "$tag")"
log "built $tag in $((SECONDS - started)) s; image size $((size / 1000000)) MB"
