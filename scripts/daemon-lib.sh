# shellcheck shell=bash
# Shared by scripts/test-engine.sh and scripts/test-registry.sh, which start and stop
# throwaway daemons for the tests: installing a missing Debian package, finding the
# directory `start` made, and finding and stopping a daemon by pid. Source it after
# defining log, die, PROG and MARKER.

APT_UPDATED=0
# apt_install PACKAGE: Debian's package, without recommends (apt-get update once per run).
apt_install() {
    command -v apt-get >/dev/null || die "$1 is missing and there is no apt-get to install it"
    [[ $(id -u) -eq 0 ]] || die "$1 is missing; installing it needs root"
    if [[ $APT_UPDATED -eq 0 ]]; then
        log "apt-get update"
        apt-get update -qq >&2 || die "apt-get update failed"
        APT_UPDATED=1
    fi
    log "apt-get install $1"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >&2 \
        || die "apt-get install $1 failed"
}

# alive PID: running, not a zombie waiting to be reaped (its command line is empty then).
alive() {
    kill -0 "$1" 2>/dev/null && [[ -n "$(tr -d '\0' 2>/dev/null <"/proc/$1/cmdline")" ]]
}

# stop_pid PID NAME: SIGTERM, wait up to 30 s, then SIGKILL.
stop_pid() {
    local pid="$1" name="$2" i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 300; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    log "$name (pid $pid) did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    log "$name (pid $pid) is still there"
    return 1
}

# our_dir DIR-or-empty ENVVAR: an existing directory that `start` made.
our_dir() {
    local dir="${1:-}"
    [[ -n "$dir" ]] || dir="${!2:-}"
    [[ -n "$dir" ]] || die "no DIR given and \$$2 is not set" 2
    [[ -d "$dir" ]] || die "no such directory: $dir"
    dir="$(cd -- "$dir" && pwd -P)"
    [[ -f "$dir/$MARKER" ]] || die "$dir was not made by $PROG start (no $MARKER); not touching it"
    printf '%s\n' "$dir"
}

# pid_of FILE NEEDLE: the pid in FILE if that process is alive and its command line holds
# NEEDLE (the daemon's directory or config file).
pid_of() {
    local file="$1" needle="$2" pid
    [[ -f "$file" ]] || return 1
    pid="$(tr -dc '0-9' <"$file")"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$needle" || return 1
    printf '%s\n' "$pid"
}
