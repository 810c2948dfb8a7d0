#!/usr/bin/env bash
# Start and stop a pair of throwaway container registries (OCI Distribution API over TLS) for
# `drydock image --from registry` tests and benchmarks: Docker Distribution 2.8 (Debian's
# docker-registry) on 127.0.0.1 (or DRYDOCK_TEST_REGISTRY_ADDR), with a throwaway CA,
# storage, configs and logs all in one temporary directory.
#
# Usage (as root when packages are missing):
#   scripts/test-registry.sh start [DIR]    start both registries, print the environment lines
#   scripts/test-registry.sh stop [DIR]     stop them and remove DIR (if start made it)
#   scripts/test-registry.sh env [DIR]      print the environment lines of a running pair
#   scripts/test-registry.sh push [--open] [--all] SRC REPO:TAG
#                                           copy an image into the "auth" registry (--open:
#                                           into the "open" one); prints its manifest digest
#
# The two registries:
#   auth  TLS + `auth: htpasswd` (realm drydock-test): user drydock, a random password
#         (bcrypt, `htpasswd -B`); GET /v2/ answers 401 without credentials
#   open  TLS, no auth: anonymous pulls and pushes; GET /v2/ answers 200
# Both serve the same server certificate (SAN IP:127.0.0.1, DNS:localhost), signed by a CA
# made for this DIR only, and listen on free ports of 127.0.0.1 (asked of the kernel by
# binding port 0). Each has its own DIR/NAME/{config.yml,storage/,registry.pid,registry.log}.
#
# `start` prints exactly these lines on stdout, for `export $(scripts/test-registry.sh start)`:
#   DRYDOCK_TEST_REGISTRY_DIR=DIR
#   DRYDOCK_TEST_REGISTRY=127.0.0.1:PORT1            the auth registry
#   DRYDOCK_TEST_REGISTRY_OPEN=127.0.0.1:PORT2       the open registry
#   DRYDOCK_TEST_REGISTRY_CA=DIR/ca.crt
#   DRYDOCK_TEST_REGISTRY_USER=drydock
#   DRYDOCK_TEST_REGISTRY_PASSWORD=<32 hex digits>
# DIR defaults to a fresh `mktemp -d` for start (so TMPDIR decides where), and to
# $DRYDOCK_TEST_REGISTRY_DIR for stop, env and push.
#
# Files under DIR besides those: ca.crt, ca.key (the CA), server.crt, server.key, htpasswd,
# certs.d/127.0.0.1:PORT1/ca.crt and certs.d/127.0.0.1:PORT2/ca.crt (copies of the CA, laid
# out as Docker's /etc/docker/certs.d and containers-certs.d(5): a test points HOME at a
# directory whose .config/containers/certs.d is a copy or link of DIR/certs.d), and
# skopeo-certs/ca.crt (for skopeo's --src-cert-dir / --dest-cert-dir).
#
# push: `skopeo copy --dest-cert-dir DIR/skopeo-certs --preserve-digests SRC
# docker://REGISTRY/REPO:TAG`, with `--dest-creds drydock:PASSWORD` for the auth registry.
# SRC is any skopeo source: docker-archive:PATH, oci:PATH[:TAG], oci-archive:PATH[:TAG],
# dir:PATH... --all adds `--multi-arch all` (skopeo 1.9; `--all` is the older spelling):
# a multi-arch index is pushed as is, with every image it lists, instead of only the image
# for this machine's platform. The one stdout line is the pushed manifest's digest
# (sha256:...; that of the index with --all); skopeo's progress goes to stderr.
# What happens to layer compression (skopeo 1.9.3 pushing to Distribution 2.8, checked):
#   oci:, oci-archive:  the blobs go up byte for byte (--preserve-digests, which this script
#                       passes for them, makes skopeo fail rather than change a digest):
#                       gzip layers stay the same gzip stream, uncompressed ones stay
#                       uncompressed (media type ...layer.v1.tar), and the OCI manifest (or
#                       index) is pushed with the digest it has in the layout.
#   docker-archive:     skopeo never hands out the tarball's blobs as they are: its
#                       docker-archive source decompresses every layer (gzip ones too) and
#                       offers it under its diff_id, in a Docker v2s2 manifest it builds
#                       itself. Pushed to a registry, each layer is gzipped again by skopeo
#                       (Go's gzip at its default level: the Debian test image's 46.5 MiB
#                       gzip -6 layer came out as 48.7 MiB), so layer digests, sizes and the
#                       manifest digest are new and nowhere in the tarball; diff_ids and the
#                       config (same bytes, media type ...container.image.v1+json) stay.
#                       With --preserve-digests skopeo does NOT refuse: it logs "We can't
#                       modify the manifest, hoping for the best..." and uploads the layers
#                       UNCOMPRESSED under the media type ...rootfs.diff.tar.gzip. So this
#                       script leaves --preserve-digests out for docker-archive: and
#                       docker-daemon: sources (gzip layers, new digests).
#   A test that compares findings by blob digest or compressed size must push oci-archive:
#   (a `build-debian-image.sh --gzip` tarball is both a docker-archive and an oci-archive).
# skopeo remembers, in a "blob info cache", where it has seen each layer and under which
# compression, and reuses (cross-repository mounts) an already pushed variant when it may
# change digests (docker-archive), so a push would depend on earlier pushes. push therefore
# keeps that cache in DIR/skopeo-cache instead of root's /var/lib/containers/cache
# (_CONTAINERS_ROOTLESS_UID=1 XDG_DATA_HOME=DIR/skopeo-cache: how containers/image picks it).
#
# Registries are stopped by the pids recorded under DIR (checked against the process's
# command line, which names DIR's config), never by process name. `stop` removes DIR only if
# `start` made it (marker file DIR/.drydock-test-registry).
#
# Packages: if missing, Debian's docker-registry (Docker Distribution 2.8,
# /usr/bin/docker-registry), skopeo, apache2-utils (htpasswd), openssl and curl are
# installed (`apt-get update` once, then `apt-get install -y --no-install-recommends`).
#
# Environment (optional): DRYDOCK_TEST_REGISTRY_TIMEOUT seconds to wait for each registry
# to answer (default 30); PYTHON for the free-port probe (default python3);
# DRYDOCK_TEST_REGISTRY_ADDR (start only) an IPv4 address of this host (or of the network
# namespace `start` runs in) for both registries to listen on instead of 127.0.0.1: the
# ports are probed on it, the server certificate's CN is it and its SAN list starts with
# IP:ADDR (then IP:127.0.0.1, DNS:localhost), and ADDR replaces 127.0.0.1 in the printed
# lines and the certs.d names. bench/registry.sh's BENCH_RATE starts the pair with
# `ip netns exec NS env DRYDOCK_TEST_REGISTRY_ADDR=10.203.0.2 scripts/test-registry.sh start`
# and reaches it over a veth pair; `stop`, `env` and `push` read the address from DIR and
# work from outside the namespace (the registries' pids are the host's: stopped by pid).
#
# Exit: 0 success; 1 failure (a registry's log tail goes to stderr); 2 usage.
set -euo pipefail
export LC_ALL=C

PROG="scripts/test-registry.sh"
MARKER=".drydock-test-registry"
TIMEOUT="${DRYDOCK_TEST_REGISTRY_TIMEOUT:-30}"
ADDR="${DRYDOCK_TEST_REGISTRY_ADDR:-127.0.0.1}"
PYTHON="${PYTHON:-python3}"
USER_NAME="drydock"
REALM="drydock-test"
NAMES=(auth open)

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: %s\n' "$PROG" "$1" >&2; exit "${2:-1}"; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

# apt_install, alive, stop_pid, our_dir, pid_of
# shellcheck source=SCRIPTDIR/daemon-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon-lib.sh"

[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "DRYDOCK_TEST_REGISTRY_TIMEOUT must be a positive integer" 2

# ---- helpers ------------------------------------------------------------------------

# need COMMAND PACKAGE: install PACKAGE when COMMAND is missing.
need() {
    command -v "$1" >/dev/null || apt_install "$2"
    command -v "$1" >/dev/null || die "$1 not found after installing $2"
}

# check_dir DIR: an absolute path that is safe to print unquoted (export $(...)).
check_dir() {
    local dir="$1"
    [[ "$dir" == /* ]] || die "not an absolute path: $dir" 2
    [[ "$dir" =~ ^[A-Za-z0-9._/+-]+$ ]] || die "DIR may only hold [A-Za-z0-9._/+-]: $dir" 2
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
    chmod 700 -- "$dir"
    : >"$dir/$MARKER"
    printf '%s\n' "$dir"
}

# free_ports N: N distinct free TCP ports on $ADDR, one a line (all bound at once, then
# released, so they differ; another process could still take one before the registry does).
free_ports() {
    "$PYTHON" - "$1" "$ADDR" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((sys.argv[2], 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
    s.close()
PY
}

# ---- one registry -------------------------------------------------------------------

registry_pid() { pid_of "$1/$2/registry.pid" "$1/$2/config.yml"; }
registry_addr() { tr -d '\n' <"$1/$2/addr" 2>/dev/null; }

# registry_answers DIR NAME: GET /v2/ gives the expected status (401 auth, 200 open).
registry_answers() {
    local dir="$1" name="$2" want code
    [[ $name == auth ]] && want=401 || want=200
    code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$dir/ca.crt" \
        "https://$(registry_addr "$dir" "$name")/v2/" 2>/dev/null)" || return 1
    [[ "$code" == "$want" ]]
}

# write_config DIR NAME PORT
write_config() {
    local dir="$1" name="$2" port="$3" d="$1/$2"
    mkdir -p "$d/storage"
    printf '%s:%s\n' "$ADDR" "$port" >"$d/addr"
    {
        cat <<EOF
# $name registry made by $PROG; Docker Distribution 2.8 configuration.
version: 0.1
log:
  level: info
  formatter: text
  fields:
    registry: $name
storage:
  filesystem:
    rootdirectory: $d/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: $ADDR:$port
  secret: $(openssl rand -hex 16)
  tls:
    certificate: $dir/server.crt
    key: $dir/server.key
  headers:
    X-Content-Type-Options: [nosniff]
EOF
        if [[ $name == auth ]]; then
            cat <<EOF
auth:
  htpasswd:
    realm: $REALM
    path: $dir/htpasswd
EOF
        fi
    } >"$d/config.yml"
}

# start_registry DIR NAME: start it in the background, recording its pid.
start_registry() {
    local dir="$1" name="$2"
    # setsid: the registry outlives this script and is not in the caller's process group;
    # the shell records its own pid ($$ after setsid) and then becomes the registry. All
    # three standard streams are redirected, so a caller reading our stdout to its end does
    # not wait for the registry.
    # shellcheck disable=SC2016 # $1 and $$ expand in the inner shell
    setsid bash -c 'printf "%s\n" "$$" >"$1/registry.pid"; exec docker-registry serve "$1/config.yml"' \
        registry "$dir/$name" </dev/null >"$dir/$name/registry.log" 2>&1 &
}

# ---- the pair -----------------------------------------------------------------------

print_env() {
    local dir="$1"
    printf 'DRYDOCK_TEST_REGISTRY_DIR=%s\n' "$dir"
    printf 'DRYDOCK_TEST_REGISTRY=%s\n' "$(registry_addr "$dir" auth)"
    printf 'DRYDOCK_TEST_REGISTRY_OPEN=%s\n' "$(registry_addr "$dir" open)"
    printf 'DRYDOCK_TEST_REGISTRY_CA=%s\n' "$dir/ca.crt"
    printf 'DRYDOCK_TEST_REGISTRY_USER=%s\n' "$USER_NAME"
    printf 'DRYDOCK_TEST_REGISTRY_PASSWORD=%s\n' "$(tr -d '\n' <"$dir/password")"
}

stop_dir() {
    local dir="$1" name pid
    for name in "${NAMES[@]}"; do
        if pid="$(registry_pid "$dir" "$name")"; then
            stop_pid "$pid" "$name registry" || true
        fi
    done
    rm -rf -- "$dir"
}

# fail_start DIR WHY: every registry log's tail to stderr, clean up, exit 1.
fail_start() {
    local dir="$1" why="$2" name
    log "$why"
    for name in "${NAMES[@]}"; do
        if [[ -s "$dir/$name/registry.log" ]]; then
            log "last lines of $dir/$name/registry.log:"
            tail -n 20 -- "$dir/$name/registry.log" >&2 || true
        fi
    done
    stop_dir "$dir" || true
    exit 1
}

# wait_for DIR NAME: poll GET /v2/ until it answers, the registry dies, or the timeout passes.
wait_for() {
    local dir="$1" name="$2" i
    for ((i = 0; i < TIMEOUT * 5; i++)); do
        registry_answers "$dir" "$name" && return 0
        if ((i > 2)) && ! registry_pid "$dir" "$name" >/dev/null; then
            fail_start "$dir" "the $name registry exited before answering"
        fi
        sleep 0.2
    done
    fail_start "$dir" "the $name registry did not answer GET /v2/ within $TIMEOUT s"
}

# make_certs DIR: the CA and the server certificate (EC P-256; valid for 7 days).
make_certs() {
    local dir="$1" san="IP:127.0.0.1,DNS:localhost"
    [[ "$ADDR" == 127.0.0.1 ]] || san="IP:$ADDR,$san"
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 7 -subj "/CN=drydock test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>"$dir/openssl.log" \
        || { cat "$dir/openssl.log" >&2; return 1; }
    openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=$ADDR" 2>>"$dir/openssl.log" \
        || { cat "$dir/openssl.log" >&2; return 1; }
    printf '%s\n' \
        "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" \
        "subjectAltName=$san" >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 7 -extfile "$dir/server.ext" -out "$dir/server.crt" 2>>"$dir/openssl.log" \
        || { cat "$dir/openssl.log" >&2; return 1; }
    rm -f -- "$dir/server.csr" "$dir/server.ext" "$dir/ca.srl" "$dir/openssl.log"
    chmod 600 -- "$dir/ca.key" "$dir/server.key"
}

cmd_start() {
    [[ "$ADDR" =~ ^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$ ]] \
        || die "DRYDOCK_TEST_REGISTRY_ADDR must be an IPv4 address (a.b.c.d): $ADDR" 2
    need docker-registry docker-registry
    need skopeo skopeo
    need htpasswd apache2-utils
    need openssl openssl
    need curl curl
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
    local dir name i ports
    dir="$(new_dir "${1:-}")"
    make_certs "$dir" || { rm -rf -- "$dir"; die "openssl could not make the certificates"; }
    (umask 077 && openssl rand -hex 16 >"$dir/password")
    htpasswd -B -b -c "$dir/htpasswd" "$USER_NAME" "$(cat "$dir/password")" 2>/dev/null \
        || { rm -rf -- "$dir"; die "htpasswd -B failed"; }
    chmod 600 -- "$dir/htpasswd"
    mapfile -t ports < <(free_ports "${#NAMES[@]}")
    (( ${#ports[@]} == ${#NAMES[@]} )) || { rm -rf -- "$dir"; die "could not find free ports"; }
    for i in "${!NAMES[@]}"; do
        name="${NAMES[i]}"
        write_config "$dir" "$name" "${ports[i]}"
        mkdir -p "$dir/certs.d/$ADDR:${ports[i]}"
        cp -- "$dir/ca.crt" "$dir/certs.d/$ADDR:${ports[i]}/ca.crt"
        start_registry "$dir" "$name"
    done
    mkdir -p "$dir/skopeo-certs"
    cp -- "$dir/ca.crt" "$dir/skopeo-certs/ca.crt"
    for name in "${NAMES[@]}"; do
        wait_for "$dir" "$name"
    done
    print_env "$dir"
}

cmd_stop() {
    local dir
    dir="$(our_dir "${1:-}" DRYDOCK_TEST_REGISTRY_DIR)" || exit
    stop_dir "$dir"
}

# running_dir [DIR]: our directory, with both registries running. (Command substitutions do
# not inherit `set -e`: a failed one is passed on by hand, here and in the callers.)
running_dir() {
    local dir name
    dir="$(our_dir "${1:-}" DRYDOCK_TEST_REGISTRY_DIR)" || exit
    for name in "${NAMES[@]}"; do
        registry_pid "$dir" "$name" >/dev/null || die "the $name registry of $dir is not running"
    done
    printf '%s\n' "$dir"
}

cmd_env() {
    local dir
    dir="$(running_dir "${1:-}")" || exit
    print_env "$dir"
}

cmd_push() {
    local open=0 all=0 src="" ref="" dir addr digestfile args=()
    while (( $# )); do
        case "$1" in
            --open) open=1 ;;
            --all) all=1 ;;
            -h | --help) usage ;;
            -*) log "unknown option $1"; usage ;;
            *) if [[ -z "$src" ]]; then src="$1"; elif [[ -z "$ref" ]]; then ref="$1"; else usage; fi ;;
        esac
        shift
    done
    [[ -n "$src" && -n "$ref" ]] || usage
    [[ "$src" == *:* ]] || die "SRC needs a skopeo transport (docker-archive:PATH, oci:PATH, oci-archive:PATH...): $src" 2
    [[ "$ref" =~ ^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?$ && "$ref" == *:* ]] \
        || die "REPO:TAG is not a repository name with a tag: $ref" 2
    need skopeo skopeo
    dir="$(running_dir "")" || exit
    if (( open )); then
        addr="$(registry_addr "$dir" open)"
        args+=(--dest-no-creds)
    else
        addr="$(registry_addr "$dir" auth)"
        args+=(--dest-creds "$USER_NAME:$(tr -d '\n' <"$dir/password")")
    fi
    digestfile="$(mktemp "$dir/push-digest.XXXXXX")"
    args+=(--dest-cert-dir "$dir/skopeo-certs" --digestfile "$digestfile")
    # See the header: docker-archive (and docker-daemon) sources always get new gzip layers
    # when pushed to a registry, which --preserve-digests refuses.
    case "$src" in
        docker-archive:* | docker-daemon:*) ;;
        *) args+=(--preserve-digests) ;;
    esac
    (( all )) && args+=(--multi-arch all)
    log "skopeo copy $src docker://$addr/$ref"
    mkdir -p "$dir/skopeo-cache"
    if ! _CONTAINERS_ROOTLESS_UID=1 XDG_DATA_HOME="$dir/skopeo-cache" skopeo copy "${args[@]}" "$src" "docker://$addr/$ref" >&2; then
        rm -f -- "$digestfile"
        die "skopeo copy $src docker://$addr/$ref failed"
    fi
    [[ -s "$digestfile" ]] || { rm -f -- "$digestfile"; die "skopeo wrote no digest"; }
    tr -d '\n' <"$digestfile"
    printf '\n'
    rm -f -- "$digestfile"
}

# ---- main ---------------------------------------------------------------------------

[[ $# -ge 1 ]] || usage
case "$1" in
    start) [[ $# -le 2 ]] || usage; cmd_start "${2:-}" ;;
    stop) [[ $# -le 2 ]] || usage; cmd_stop "${2:-}" ;;
    env) [[ $# -le 2 ]] || usage; cmd_env "${2:-}" ;;
    push) shift; cmd_push "$@" ;;
    -h | --help | help) usage ;;
    *) usage ;;
esac
