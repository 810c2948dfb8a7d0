# shellcheck shell=bash
# Shared by scripts/test-engine.sh and scripts/test-registry.sh, which start and stop
# throwaway daemons for the tests: installing a missing Debian package, and stopping a
# daemon by pid. Source it after defining log and die.

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
