#!/usr/bin/env bash
# Start and stop a throwaway container engine for `drydock image REF` / `drydock images`
# tests: a private dockerd (or a Podman API service) whose socket, storage, state and logs
# all live in one temporary directory, and which leaves the host's network alone.
#
# Usage (as root):
#   scripts/test-engine.sh start [DIR]         start dockerd, print its environment lines
#   scripts/test-engine.sh stop [DIR]          stop it and remove DIR
#   scripts/test-engine.sh env [DIR]           print the environment lines of a running one
#   scripts/test-engine.sh start-podman [DIR]  the same with `podman system service`
#   scripts/test-engine.sh stop-podman [DIR]
#   scripts/test-engine.sh env-podman [DIR]
#
# `start` prints exactly two lines on stdout, for `export $(scripts/test-engine.sh start)`:
#   DOCKER_HOST=unix://DIR/docker.sock
#   DRYDOCK_TEST_DOCKERD_DIR=DIR
# `start-podman` prints DOCKER_HOST=unix://DIR/podman.sock and DRYDOCK_TEST_PODMAN_DIR=DIR.
# DIR defaults to a fresh `mktemp -d` for start (so TMPDIR decides where; keep it short:
# unix socket paths are limited to 107 bytes), and to $DRYDOCK_TEST_DOCKERD_DIR
# ($DRYDOCK_TEST_PODMAN_DIR) for stop and env.
#
# dockerd: if missing, Debian's docker.io is installed (`apt-get update` once, then
# `apt-get install -y --no-install-recommends docker.io`; a `docker` CLI alone, such as
# /usr/local/bin/docker, is only a client). It runs with
#   --iptables=false --ip6tables=false --bridge=none --userland-proxy=false
#   --storage-driver=vfs --data-root DIR/data --exec-root DIR/exec
#   --host unix://DIR/docker.sock --pidfile DIR/dockerd.pid
#   --config-file DIR/daemon.json ({}: the host's /etc/docker/daemon.json is not read)
#   --log-level=warn, logs in DIR/dockerd.log
# and starts its own managed containerd (config, socket, pid file and state under
# DIR/exec/containerd, content under DIR/data/containerd). dockerd bind-mounts DIR/data
# onto itself; `stop` unmounts whatever is still mounted under DIR.
# podman: if missing, Debian's podman is installed the same way. It runs as
#   podman --root DIR/root --runroot DIR/run --tmpdir DIR/tmp --storage-driver vfs
#     --cgroup-manager cgroupfs --events-backend file
#     system service --time=0 unix://DIR/podman.sock
# with its pid in DIR/podman.pid and logs in DIR/podman.log.
#
# Daemons are stopped by the pids recorded under DIR (checked against the process's command
# line, which names DIR), never by process name. `stop` removes DIR only if `start` made it
# (marker file DIR/.drydock-test-engine) and nothing is mounted under it any more.
#
# Environment (optional): DRYDOCK_TEST_ENGINE_TIMEOUT seconds to wait for the daemon to
# answer (default 60).
#
# Exit: 0 success; 1 failure (the daemon log's tail goes to stderr); 2 usage.
set -euo pipefail
export LC_ALL=C

PROG="scripts/test-engine.sh"
MARKER=".drydock-test-engine"
TIMEOUT="${DRYDOCK_TEST_ENGINE_TIMEOUT:-60}"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: %s\n' "$PROG" "$1" >&2; exit "${2:-1}"; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

# apt_install, alive, stop_pid, our_dir, pid_of
# shellcheck source=SCRIPTDIR/daemon-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon-lib.sh"

# ---- helpers ------------------------------------------------------------------------

# check_dir DIR: an absolute path that is safe to print unquoted and short enough for the
# sockets that will live under it.
check_dir() {
    local dir="$1"
    [[ "$dir" == /* ]] || die "not an absolute path: $dir" 2
    [[ "$dir" =~ ^[A-Za-z0-9._/+-]+$ ]] || die "DIR may only hold [A-Za-z0-9._/+-]: $dir" 2
    # The longest socket: DIR/exec/containerd/containerd.sock.ttrpc (41 more bytes).
    (( ${#dir} <= 64 )) || die "DIR is too long for unix sockets (${#dir} > 64 bytes): $dir" 2
}

# new_dir [DIR]: DIR (created, must be empty) or a fresh temporary directory; marked ours.
new_dir() {
    local dir
    if [[ $# -gt 0 && -n "$1" ]]; then
        mkdir -p -- "$1"
        dir="$(cd -- "$1" && pwd -P)"
        check_dir "$dir"
        [[ -z "$(ls -A -- "$dir")" ]] || die "DIR is not empty: $dir" 2
    else
        dir="$(mktemp -d)"
        dir="$(cd -- "$dir" && pwd -P)"
        if ! (check_dir "$dir"); then
            rmdir -- "$dir"
            exit 2
        fi
    fi
    : >"$dir/$MARKER"
    printf '%s\n' "$dir"
}

# mounts_under DIR: mount points at or under DIR, deepest first.
mounts_under() {
    local dir="$1"
    awk -v d="$dir" '{
        m = $2; gsub(/\\040/, " ", m)
        if (m == d || index(m, d "/") == 1) print length(m) "\t" m
    }' /proc/self/mounts | sort -rn | cut -f2-
}

# cleanup_dir DIR: unmount everything under DIR, then remove it.
cleanup_dir() {
    local dir="$1" m left
    while IFS= read -r m; do
        [[ -n "$m" ]] || continue
        umount -- "$m" 2>/dev/null || umount -l -- "$m" 2>/dev/null || log "cannot unmount $m"
    done < <(mounts_under "$dir")
    left="$(mounts_under "$dir")"
    [[ -z "$left" ]] || die "still mounted under $dir, not removing it: $left"
    rm -rf -- "$dir"
}

# fail_start DIR LOG STOPFN: print the log's tail, clean up, exit 1.
fail_start() {
    local dir="$1" logfile="$2" stopfn="$3" why="$4"
    log "$why"
    if [[ -f "$logfile" ]]; then
        log "last lines of $logfile:"
        tail -n 20 -- "$logfile" >&2 || true
    fi
    "$stopfn" "$dir" || true
    exit 1
}

# wait_for CHECK DIR PIDFN LOG STOPFN NAME: poll CHECK until it answers, the daemon dies, or
# the timeout passes.
wait_for() {
    local check="$1" dir="$2" pidfn="$3" logfile="$4" stopfn="$5" name="$6" i
    for ((i = 0; i < TIMEOUT * 5; i++)); do
        if "$check" "$dir"; then
            return 0
        fi
        if ((i > 10)) && ! "$pidfn" "$dir" >/dev/null; then
            fail_start "$dir" "$logfile" "$stopfn" "$name exited before answering"
        fi
        sleep 0.2
    done
    fail_start "$dir" "$logfile" "$stopfn" "$name did not answer within $TIMEOUT s"
}

# ping SOCKET: GET /_ping answers OK (curl if present, else the docker CLI).
ping_socket() {
    local sock="$1"
    [[ -S "$sock" ]] || return 1
    if command -v curl >/dev/null; then
        [[ "$(curl -sS --max-time 5 --unix-socket "$sock" http://localhost/_ping 2>/dev/null)" == OK ]]
    else
        docker -H "unix://$sock" version >/dev/null 2>&1
    fi
}

# ---- dockerd ------------------------------------------------------------------------

dockerd_pid() { pid_of "$1/dockerd.pid" "$1"; }
containerd_pid() { pid_of "$1/exec/containerd/containerd.pid" "$1"; }
dockerd_answers() { [[ -S "$1/docker.sock" ]] && docker -H "unix://$1/docker.sock" version >/dev/null 2>&1; }

dockerd_env() {
    printf 'DOCKER_HOST=unix://%s/docker.sock\n' "$1"
    printf 'DRYDOCK_TEST_DOCKERD_DIR=%s\n' "$1"
}

dockerd_stop_dir() {
    local dir="$1" pid
    if pid="$(dockerd_pid "$dir")"; then
        stop_pid "$pid" dockerd || true
    fi
    # dockerd stops the containerd it manages; a leftover one (dockerd killed) goes too.
    if pid="$(containerd_pid "$dir")"; then
        stop_pid "$pid" containerd || true
    fi
    cleanup_dir "$dir"
}

cmd_start() {
    command -v dockerd >/dev/null || apt_install docker.io
    command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
    command -v docker >/dev/null || die "no docker CLI (docker.io should have brought one)"
    local dir
    dir="$(new_dir "${1:-}")"
    printf '{}\n' >"$dir/daemon.json"
    # setsid: the daemon outlives this script and is not in the caller's process group.
    # All three standard streams are redirected, so a caller reading our stdout to its end
    # does not wait for the daemon.
    setsid dockerd \
        --config-file "$dir/daemon.json" \
        --host "unix://$dir/docker.sock" \
        --data-root "$dir/data" \
        --exec-root "$dir/exec" \
        --pidfile "$dir/dockerd.pid" \
        --storage-driver=vfs \
        --iptables=false --ip6tables=false --ip-masq=false --bridge=none \
        --userland-proxy=false \
        --log-level=warn \
        </dev/null >"$dir/dockerd.log" 2>&1 &
    wait_for dockerd_answers "$dir" dockerd_pid "$dir/dockerd.log" dockerd_stop_dir dockerd
    dockerd_env "$dir"
}

cmd_stop() {
    local dir
    dir="$(our_dir "${1:-}" DRYDOCK_TEST_DOCKERD_DIR)"
    dockerd_stop_dir "$dir"
}

cmd_env() {
    local dir
    dir="$(our_dir "${1:-}" DRYDOCK_TEST_DOCKERD_DIR)"
    dockerd_pid "$dir" >/dev/null || die "no dockerd running for $dir"
    dockerd_env "$dir"
}

# ---- podman -------------------------------------------------------------------------

podman_pid() { pid_of "$1/podman.pid" "$1"; }
podman_answers() { ping_socket "$1/podman.sock"; }

podman_env() {
    printf 'DOCKER_HOST=unix://%s/podman.sock\n' "$1"
    printf 'DRYDOCK_TEST_PODMAN_DIR=%s\n' "$1"
}

podman_stop_dir() {
    local dir="$1" pid
    if pid="$(podman_pid "$dir")"; then
        stop_pid "$pid" podman || true
    fi
    cleanup_dir "$dir"
}

cmd_start_podman() {
    command -v podman >/dev/null || apt_install podman
    command -v podman >/dev/null || die "podman not found after installing podman"
    local dir
    dir="$(new_dir "${1:-}")"
    mkdir -p "$dir/tmp"
    # setsid: the service outlives this script and is not in the caller's process group;
    # the shell records its own pid ($$ after setsid) and then becomes podman.
    # shellcheck disable=SC2016 # $1 and $$ expand in the inner shell
    setsid bash -c 'printf "%s\n" "$$" >"$1/podman.pid"; exec podman \
            --root "$1/root" --runroot "$1/run" --tmpdir "$1/tmp" \
            --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
            system service --time=0 "unix://$1/podman.sock"' podman "$dir" \
        </dev/null >"$dir/podman.log" 2>&1 &
    wait_for podman_answers "$dir" podman_pid "$dir/podman.log" podman_stop_dir podman
    podman_env "$dir"
}

cmd_stop_podman() {
    local dir
    dir="$(our_dir "${1:-}" DRYDOCK_TEST_PODMAN_DIR)"
    podman_stop_dir "$dir"
}

cmd_env_podman() {
    local dir
    dir="$(our_dir "${1:-}" DRYDOCK_TEST_PODMAN_DIR)"
    podman_pid "$dir" >/dev/null || die "no podman service running for $dir"
    podman_env "$dir"
}

# ---- main ---------------------------------------------------------------------------

[[ $# -ge 1 && $# -le 2 ]] || usage
case "$1" in
    start) cmd_start "${2:-}" ;;
    stop) cmd_stop "${2:-}" ;;
    env) cmd_env "${2:-}" ;;
    start-podman) cmd_start_podman "${2:-}" ;;
    stop-podman) cmd_stop_podman "${2:-}" ;;
    env-podman) cmd_env_podman "${2:-}" ;;
    -h | --help | help) usage ;;
    *) usage ;;
esac
