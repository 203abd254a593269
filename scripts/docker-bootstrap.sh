#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`.
#
# If one already answers (Docker Desktop, a systemd-managed dockerd, DOCKER_HOST), it is used as is.
# Otherwise, as root on Debian, installs docker.io when dockerd is missing and starts dockerd in the
# background: machines without an init system (CI sandboxes, containers) have nobody else to do it.
# Safe to run twice: a running or starting dockerd is waited for, never started a second time.
#
# Environment:
#   HIVE_DOCKERD_LOG           dockerd's log file (default /var/log/hive-dockerd.log)
#   HIVE_DOCKERD_WAIT_SECONDS  how long to wait for the engine (default 60)
#   HIVE_DOCKERD_FLAGS         extra dockerd flags, word-split (default none: the defaults work here)
set -euo pipefail

log_file="${HIVE_DOCKERD_LOG:-/var/log/hive-dockerd.log}"
wait_seconds="${HIVE_DOCKERD_WAIT_SECONDS:-60}"
pid_file=/var/run/docker.pid

say() { echo "docker-bootstrap: $*"; }
die() {
	echo "docker-bootstrap: error: $*" >&2
	exit 1
}

# `timeout`: a socket whose daemon hangs must not hang us.
engine_answers() { command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; }

report_engine() {
	say "Docker engine answers: server $(docker version --format '{{.Server.Version}}' 2>/dev/null), storage $(docker info --format '{{.Driver}}' 2>/dev/null)"
}

log_tail() {
	if [ -s "$log_file" ]; then
		# dockerd's grpc chatter buries the reason; the errors and the last words are what matter.
		echo "--- last lines of $log_file (grpc lines left out) ---"
		grep -v 'module=grpc' "$log_file" | tail -n 15
	else
		echo "($log_file is empty or missing)"
	fi
}

if engine_answers; then
	report_engine
	exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
	die "DOCKER_HOST=$DOCKER_HOST does not answer 'docker info'. Start that engine, or unset DOCKER_HOST to use a local dockerd."
fi
if [ "$(id -u)" != "0" ] && [[ "$(timeout 10 docker info 2>&1 >/dev/null || true)" == *"permission denied"* ]]; then
	die "a Docker engine is running but this user (uid $(id -u)) may not use its socket. Add the user to the 'docker' group (then log in again), or rerun as root."
fi
[ "$(id -u)" = "0" ] ||
	die "no Docker engine answers 'docker info' and this is not root (uid $(id -u)), so dockerd cannot be started here. Start Docker (e.g. 'sudo systemctl start docker' or Docker Desktop), or rerun this script as root."

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
	command -v apt-get >/dev/null ||
		die "dockerd is not installed and there is no apt-get: this script installs Docker only on Debian-like systems. Install Docker Engine yourself and rerun."
	say "installing docker.io with apt-get"
	export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
	apt-get update -q >/dev/null || die "apt-get update failed; is a Debian mirror reachable?"
	apt-get install -y -q --no-install-recommends docker.io >/dev/null || die "apt-get install docker.io failed"
fi

dockerd_running() { [ -s "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

if dockerd_running; then
	say "dockerd (pid $(cat "$pid_file")) is already running; waiting for it to answer"
else
	say "starting dockerd in the background (log: $log_file)"
	mkdir -p "$(dirname "$log_file")"
	# setsid + nohup: dockerd must outlive this script and the shell (or CI step) that ran it.
	# shellcheck disable=SC2086 # HIVE_DOCKERD_FLAGS is a word list on purpose.
	setsid nohup dockerd ${HIVE_DOCKERD_FLAGS:-} </dev/null >>"$log_file" 2>&1 &
	started_pid=$!
fi

for ((waited = 0; waited < wait_seconds; waited++)); do
	if engine_answers; then
		say "engine up after ${waited}s"
		report_engine
		exit 0
	fi
	if [ -n "${started_pid:-}" ] && ! kill -0 "$started_pid" 2>/dev/null; then
		die "dockerd exited while starting.
$(log_tail)"
	fi
	sleep 1
done

die "dockerd did not answer 'docker info' within ${wait_seconds}s (raise HIVE_DOCKERD_WAIT_SECONDS to wait longer).
$(log_tail)"
