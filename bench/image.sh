#!/usr/bin/env bash
# Image scanning benchmark: `drydock image` against plain `gzip -dc` of the same layers and
# against Trivy's secret and misconfiguration scanners, and drydock's peak memory on a ~100 MB
# and a ~1 GB image.
#
# Usage (from anywhere):
#   bench/image.sh [IMAGE.tar]   time and peak RSS on one image (default: a Debian bookworm
#                                + netcat image with gzip layers, built on first use by
#                                scripts/build-debian-image.sh --gzip into target/bench-images/)
#   bench/image.sh --big         the same on the default image (~116 MB of layer content) and
#                                on one with a ~BENCH_BIG_MB MB extra layer (~1 GB of layer
#                                content, built with --gzip --big), plus the RSS difference
#   bench/image.sh --many-files  peak RSS per file: images of BENCH_MANY_FILES/10 and
#                                BENCH_MANY_FILES small files (default 300 000, three gzip
#                                layers, site-packages-like paths), written by the test-support
#                                builder (tests/drydock/bench_images.rs); combines with --big
#
# Measured:
#   drydock  `drydock image --input IMAGE --format json > /dev/null` (the whole tarball:
#            reading it, inflating the layers, the checks, the report)
#   gzip     `gzip -dc BLOB > /dev/null` for every layer blob in turn, the blobs extracted
#            from the tarball beforehand (their extraction is not timed)
#   trivy    `trivy image --input IMAGE --scanners secret,misconfig --offline-scan` with an
#            in-memory cache (so no run reuses another's layer results), Trivy 0.76 from PyPI
#            installed by scripts/install-dockerfile-peers.sh (or DRYDOCK_TRIVY); skipped
#            with a note when it cannot be installed
# Targets: drydock/gzip time ratio <= 0.5; drydock >= 5x faster than Trivy; peak RSS <= 64 MiB;
# with --big, the two images' peak RSS within +-20 % of each other; with --many-files, peak RSS
# <= 64 MiB on the large image and <= 200 bytes per file (the RSS the extra files add, divided
# by their number).
#
# Environment (all optional):
#   DRYDOCK        binary to measure (default: target/release/drydock after `cargo build --release`)
#   BENCH_RUNS     timed runs per measurement, median reported (default: 3; plus 1 warm-up)
#   BENCH_CPUS     pin every measured process to this many CPUs when the machine has more
#                  (default: 2, the size the targets are stated for; 0 = no pinning)
#   BENCH_BIG_MB   size of the extra layer of the big image, MB (default: 900)
#   BENCH_MANY_FILES  files of the large --many-files image (default: 300000)
#   BENCH_IMAGES   where built images are kept (default: <repo>/target/bench-images)
#   PYTHON         interpreter for the timer (default: python3)
#
# Exit: 0 when the benchmark ran (targets met or not: see PASS/MISS); 1 on a build or setup
# failure or when drydock did not run cleanly; 2 usage; 3 drydock has no `image` subcommand yet.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PROG="bench/image.sh"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$PROG" "$1" >&2; exit "${2:-1}"; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

BIG=0
MANY=0
IMAGE_ARG=""
while (( $# )); do
    case "$1" in
        --big) BIG=1 ;;
        --many-files) MANY=1 ;;
        -h|--help) usage ;;
        -*) printf '%s: unknown option %s\n' "$PROG" "$1" >&2; usage ;;
        *) [[ -z "$IMAGE_ARG" ]] || usage; IMAGE_ARG="$1" ;;
    esac
    shift
done
(( BIG == 0 )) || [[ -z "$IMAGE_ARG" ]] || die "--big builds its own images; give no IMAGE" 2

RUNS="${BENCH_RUNS:-3}"
PIN_CPUS="${BENCH_CPUS:-2}"
BIG_MB="${BENCH_BIG_MB:-900}"
IMAGES="${BENCH_IMAGES:-$ROOT/target/bench-images}"
PYTHON="${PYTHON:-python3}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer" 2
[[ "$BIG_MB" =~ ^[1-9][0-9]*$ ]] || die "BENCH_BIG_MB must be a positive integer" 2
MANY_FILES="${BENCH_MANY_FILES:-300000}"
[[ "$MANY_FILES" =~ ^[1-9][0-9]{2,}$ ]] || die "BENCH_MANY_FILES must be an integer >= 100" 2
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
command -v gzip >/dev/null || die "gzip not found"

# Targets.
TARGET_RATIO=0.5     # drydock wall time <= 0.5 x gzip -dc of the same layers
TARGET_TRIVY=5       # Trivy wall time >= 5 x drydock's
TARGET_RSS_MIB=64    # peak RSS
TARGET_RSS_PCT=20    # ~100 MB vs ~1 GB image: peak RSS within +-20 %
TARGET_BYTES_PER_FILE=200  # --many-files: RSS the extra files add, per file

# ---------------------------------------------------------------- build drydock
if [[ -n "${DRYDOCK:-}" ]]; then
    log "drydock: $DRYDOCK (from DRYDOCK, not rebuilt)"
else
    log "cargo build --release"
    cargo build --release || die "cargo build --release failed"
    DRYDOCK="${CARGO_TARGET_DIR:-$ROOT/target}/release/drydock"
fi
[[ -x "$DRYDOCK" ]] || die "no binary at $DRYDOCK"
"$DRYDOCK" image --help >/dev/null 2>&1 \
    || die "drydock image subcommand not available yet ($DRYDOCK image --help fails)" 3

# ------------------------------------------------------------------- the images
# ensure_image PATH BUILD-ARGS...: build PATH with scripts/build-debian-image.sh when absent.
ensure_image() {
    local path="$1"; shift
    [[ -f "$path" ]] && return
    (( EUID == 0 )) || die "$path is missing and building it needs root (scripts/build-debian-image.sh $* $path)"
    log "building $path (scripts/build-debian-image.sh $*)"
    mkdir -p "$(dirname "$path")"
    "$ROOT/scripts/build-debian-image.sh" "$@" "$path" >&2 || die "scripts/build-debian-image.sh $* failed"
}

SMALL_DEFAULT="$IMAGES/debian-netcat-gzip.tar"
BIG_DEFAULT="$IMAGES/debian-netcat-gzip-big${BIG_MB}.tar"
if (( BIG )); then
    ensure_image "$SMALL_DEFAULT" --gzip
    ensure_image "$BIG_DEFAULT" --gzip --big "$BIG_MB"
    SUBJECTS=("$SMALL_DEFAULT" "$BIG_DEFAULT")
elif [[ -n "$IMAGE_ARG" ]]; then
    [[ -f "$IMAGE_ARG" ]] || die "no such file: $IMAGE_ARG" 2
    SUBJECTS=("$(cd "$(dirname -- "$IMAGE_ARG")" && pwd)/$(basename -- "$IMAGE_ARG")")
elif (( MANY )); then
    SUBJECTS=()
else
    ensure_image "$SMALL_DEFAULT" --gzip
    SUBJECTS=("$SMALL_DEFAULT")
fi

# Trivy, the peer: DRYDOCK_TRIVY, or the pinned one scripts/install-dockerfile-peers.sh installs.
TRIVY="${DRYDOCK_TRIVY:-}"
if [[ -z "$TRIVY" ]]; then
    log "scripts/install-dockerfile-peers.sh (Trivy)"
    TRIVY="$("$ROOT/scripts/install-dockerfile-peers.sh" 2>/dev/null | sed -n 's/^DRYDOCK_TRIVY=//p')" || TRIVY=""
fi
[[ -n "$TRIVY" && -x "$TRIVY" ]] || { log "no Trivy: its column is n/a"; TRIVY=""; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/drydock-bench-image.XXXXXX")"
trap 'rm -rf -- "$WORK"' EXIT

# ------------------------------------------------------------------ tools
if [[ ! -x /usr/bin/time ]] && (( EUID == 0 )); then
    log "apt-get install time (for peak RSS)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null 2>&1 \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null; } \
        || log "could not install time; peak RSS will be n/a"
fi

# CPU pinning, the spawn-to-exit timer (TIMER_PY) and calc: shared.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# bench NAME OUT CMD...: one warm-up, then RUNS timed runs; sets MEDIAN MIN MAX RC.
bench() {
    local name="$1" out="$2"; shift 2
    local i res secs rc times=()
    for (( i = 0; i <= RUNS; i++ )); do
        res="$("$PYTHON" -c "$TIMER_PY" "$out" "$WORK/$name.err" "${PIN[@]}" "$@")"
        read -r secs rc <<<"$res"
        (( i == 0 )) || times+=("$secs")
    done
    RC="$rc"
    read -r MEDIAN MIN MAX < <(stats "${times[@]}")
}

# ------------------------------------------------------------------ measure
# measure IMAGE IDX: sets per-image results in R_* arrays.
declare -a R_NAME R_TAR R_BLOBS R_PLAIN R_NBLOBS R_DD R_DD_MIN R_DD_MAX R_DD_RC R_GZ R_GZ_MIN R_GZ_MAX R_RATIO R_RSS R_SANITY R_TV R_TV_RATIO
measure() {
    local image="$1" k="$2" dir="$WORK/blobs-$2" blobs=() b plain=0 gzipped=1
    mkdir -p "$dir"
    mapfile -t LAYERS < <(tar -xOf "$image" manifest.json | "$PYTHON" -c '
import json, sys
for l in json.load(sys.stdin)[0]["Layers"]:
    print(l)')
    (( ${#LAYERS[@]} )) || die "no layers listed in $image's manifest.json"
    log "$(basename "$image"): extracting ${#LAYERS[@]} layer blobs (not timed)"
    tar -xf "$image" -C "$dir" "${LAYERS[@]}"
    for b in "${LAYERS[@]}"; do
        blobs+=("$dir/$b")
        [[ "$(head -c2 "$dir/$b" | od -An -tx1 | tr -d ' ')" == 1f8b ]] || gzipped=0
    done
    R_NAME[k]="$(basename "$image")"
    R_TAR[k]="$(stat -c %s "$image")"
    R_BLOBS[k]="$(cat "${blobs[@]}" | wc -c)"
    R_NBLOBS[k]="${#blobs[@]}"
    if (( gzipped )); then
        for b in "${blobs[@]}"; do plain=$(( plain + $(gzip -dc "$b" | wc -c) )); done
    else
        plain="${R_BLOBS[k]}"
    fi
    R_PLAIN[k]="$plain"

    log "$(basename "$image"): drydock image, $RUNS runs"
    bench drydock "$WORK/drydock.json" "$DRYDOCK" image --input "$image" --format json
    case "$RC" in
        0|1) ;;
        *) head -n 20 "$WORK/drydock.err" >&2; die "drydock image exited $RC on $image; numbers would be meaningless" ;;
    esac
    R_DD[k]="$MEDIAN" R_DD_MIN[k]="$MIN" R_DD_MAX[k]="$MAX" R_DD_RC[k]="$RC"
    R_SANITY[k]="$("$PYTHON" -c '
import collections, json, os, sys
p = sys.argv[1]
try:
    d = json.load(open(p))
except ValueError:
    print(f"NOT valid JSON ({os.path.getsize(p)} bytes)"); sys.exit()
c = collections.Counter(f.get("rule") for f in d.get("findings", []))
nc, mod, errs = c.get("exec-capable-netcat", 0), c.get("modified-package-file", 0), len(d.get("errors") or [])
sec = c.get("secret-in-image-file", 0)
print(f"valid JSON, {os.path.getsize(p)} bytes, {sum(c.values())} findings "
      f"(exec-capable-netcat {nc}, modified-package-file {mod}, secret-in-image-file {sec}), {errs} errors")
' "$WORK/drydock.json")"

    if (( gzipped )); then
        log "$(basename "$image"): gzip -dc over ${#blobs[@]} blobs, $RUNS runs"
        # shellcheck disable=SC2016  # $b is expanded by the inner sh
        bench gzip /dev/null sh -c 'for b do gzip -dc "$b" || exit 1; done' sh "${blobs[@]}"
        [[ "$RC" == 0 ]] || die "gzip -dc failed on $image's blobs"
        R_GZ[k]="$MEDIAN" R_GZ_MIN[k]="$MIN" R_GZ_MAX[k]="$MAX"
        R_RATIO[k]="$(calc '%.2f' "${R_DD[k]} / $MEDIAN")"
    else
        R_GZ[k]="" R_GZ_MIN[k]="" R_GZ_MAX[k]="" R_RATIO[k]=""
        log "$(basename "$image"): layers are not gzip-compressed; no gzip baseline"
    fi
    R_TV[k]="" R_TV_RATIO[k]=""
    if [[ -n "$TRIVY" ]]; then
        log "$(basename "$image"): trivy image --scanners secret,misconfig, $RUNS runs"
        bench trivy "$WORK/trivy.json" "$TRIVY" image --input "$image" --scanners secret,misconfig \
            --skip-db-update --skip-check-update --offline-scan --cache-backend memory \
            --format json --quiet
        if [[ "$RC" == 0 ]]; then
            R_TV[k]="$MEDIAN"
            R_TV_RATIO[k]="$(calc '%.1f' "$MEDIAN / ${R_DD[k]}")"
        else
            log "trivy exited $RC on $image: $(head -c 300 "$WORK/trivy.err")"
        fi
    fi
    R_RSS[k]="$(rss "$DRYDOCK" image --input "$image" --format json)"
    rm -rf -- "$dir"
}

for i in "${!SUBJECTS[@]}"; do
    measure "${SUBJECTS[i]}" "$i"
done

# ---------------------------------------------------------------------- report
s3() { [[ -n "$1" ]] && printf '%.3f' "$1" || printf 'n/a'; }
passfail() { [[ -z "$2" ]] && { printf 'n/a'; return; }; calc '%s' "($1) ? \"PASS\" : \"MISS\""; }
row() { printf '%-36s %9s %9s %9s  %-20s %-20s %6s %11s' "$@"; }
CPU_MODEL="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)"
[[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] || COMMIT="$COMMIT (dirty tree)"
RUSTC="$(rustc --version 2>/dev/null || echo unknown)"
NOTE_CPUS=""
(( EFF_CPUS == 2 )) || NOTE_CPUS=" (measured with $EFF_CPUS CPU(s); the targets are for 2)"

RESULTS=""
MD_ROWS=""
for i in "${!SUBJECTS[@]}"; do
    ratio_ok="$(passfail "${R_DD[i]} / ${R_GZ[i]:-1} <= $TARGET_RATIO" "${R_RATIO[i]}")"
    rss_ok="$(passfail "${R_RSS[i]:-0} / 1024 <= $TARGET_RSS_MIB" "${R_RSS[i]}")"
    RESULTS+="$(row "${R_NAME[i]}" "$(calc '%.1f' "${R_TAR[i]} / 1048576")" "$(calc '%.1f' "${R_PLAIN[i]} / 1048576")" \
        "$(s3 "${R_DD[i]}")" "($(s3 "${R_DD_MIN[i]}")..$(s3 "${R_DD_MAX[i]}"))" \
        "$(s3 "${R_GZ[i]}") ($(s3 "${R_GZ_MIN[i]}")..$(s3 "${R_GZ_MAX[i]}"))" "${R_RATIO[i]:-n/a}" "$(mib "${R_RSS[i]}")")"$'\n'
    RESULTS+="    ratio drydock/gzip ${R_RATIO[i]:-n/a} (target <= $TARGET_RATIO: $ratio_ok)   peak RSS $(mib "${R_RSS[i]}") (target <= $TARGET_RSS_MIB MiB: $rss_ok)"$'\n'
    trivy_ok="$(passfail "${R_TV_RATIO[i]:-0} >= $TARGET_TRIVY" "${R_TV_RATIO[i]}")"
    RESULTS+="    Trivy $(s3 "${R_TV[i]}") s: drydock ${R_TV_RATIO[i]:-n/a}x faster (target >= ${TARGET_TRIVY}x: $trivy_ok)"$'\n'
    RESULTS+="    drydock exit ${R_DD_RC[i]}; output: ${R_SANITY[i]}"$'\n'
    MD_ROWS+="| \`${R_NAME[i]}\` | $(calc '%.1f' "${R_TAR[i]} / 1048576") MiB | $(calc '%.1f' "${R_PLAIN[i]} / 1048576") MiB | $(s3 "${R_DD[i]}") | $(s3 "${R_GZ[i]}") | ${R_RATIO[i]:-n/a} ($ratio_ok) | $(s3 "${R_TV[i]}") | ${R_TV_RATIO[i]:-n/a}× ($trivy_ok) | $(mib "${R_RSS[i]}") ($rss_ok) |"$'\n'
done

if [[ -n "$IMAGE_ARG" ]]; then
    ORIGIN_NOTE="Image given on the command line: \`${R_NAME[0]}\` (${R_NBLOBS[0]} layers)."
else
    ORIGIN_NOTE="Images from \`scripts/build-debian-image.sh --gzip\`: Debian bookworm minbase (debootstrap) plus
netcat-traditional installed with dpkg$( ((BIG)) && printf ', and for the big one a %s MB layer of copies of usr/lib and usr/share' "$BIG_MB" || true)."
fi
BIG_LINE=""
if (( BIG )); then
    if [[ -n "${R_RSS[0]}" && -n "${R_RSS[1]}" ]]; then
        PCT="$(calc '%+.1f' "(${R_RSS[1]} - ${R_RSS[0]}) * 100 / ${R_RSS[0]}")"
        PCT_OK="$(passfail "(${R_RSS[1]} - ${R_RSS[0]}) * 100 / ${R_RSS[0]} <= $TARGET_RSS_PCT && (${R_RSS[1]} - ${R_RSS[0]}) * 100 / ${R_RSS[0]} >= -$TARGET_RSS_PCT" x)"
        BIG_LINE="peak RSS, $(calc '%.0f' "${R_PLAIN[1]} / 1048576") MiB vs $(calc '%.0f' "${R_PLAIN[0]} / 1048576") MiB of layer content: $(mib "${R_RSS[1]}") vs $(mib "${R_RSS[0]}"), ${PCT} % (target within +-${TARGET_RSS_PCT} %: $PCT_OK)"
    else
        BIG_LINE="peak RSS difference: n/a (no /usr/bin/time)"
    fi
fi

if (( ${#SUBJECTS[@]} )); then
cat <<EOF

drydock image vs gzip -dc -- $(date -u +%Y-%m-%dT%H:%MZ)
machine: ${CPU_MODEL:-unknown CPU}, $NCPU CPUs, $PIN_NOTE
drydock: commit $COMMIT, $RUSTC, $DRYDOCK
gzip: $(gzip --version | head -n 1)
trivy: $([[ -n "$TRIVY" ]] && printf '%s (%s)' "$("$TRIVY" --version 2>/dev/null | head -n 1)" "$TRIVY" || printf 'n/a')
timing: monotonic clock around spawn..exit, median of $RUNS runs after 1 warm-up; gzip -dc runs once per blob,
        one after another, on blobs extracted beforehand; peak RSS from /usr/bin/time -v (one extra run)

$(row "image" "tar MiB" "layers MiB" "drydock s" "(min..max)" "gzip -dc s (min..max)" "ratio" "peak RSS")
${RESULTS}${BIG_LINE:+$BIG_LINE
}
---- summary for BENCHMARKS.md ----
### Images: drydock vs gzip -dc (\`bench/image.sh$( ((BIG)) && printf ' --big')\`)

Machine: ${CPU_MODEL:-unknown CPU}, $EFF_CPUS CPUs used$NOTE_CPUS; drydock $COMMIT, release build.
${ORIGIN_NOTE}
\`drydock image --input IMAGE --format json\` (secret scan included) against \`gzip -dc\` of each layer
blob in turn (blobs extracted beforehand, not timed) and against \`trivy image --input IMAGE --scanners
secret,misconfig --offline-scan --cache-backend memory\`; wall time from spawn to exit, median of $RUNS
runs after one warm-up.

| image | tarball | layer content | drydock s | gzip -dc s | ratio (target ≤ $TARGET_RATIO) | Trivy s | Trivy / drydock (target ≥ $TARGET_TRIVY×) | peak RSS (target ≤ $TARGET_RSS_MIB MiB) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${MD_ROWS}$( ((BIG)) && printf '\n- %s\n' "${BIG_LINE^}")
---- end summary ----
EOF
fi

# ------------------------------------------------------------------ --many-files
# Peak RSS on two generated images of small files, N/10 and N: the difference over the
# difference in files is what each file costs in memory, whatever the fixed cost.
if (( MANY )); then
    declare -a M_FILES M_PATH M_RSS M_TIME
    M_FILES=($(( MANY_FILES / 10 )) "$MANY_FILES")
    for k in 0 1; do
        M_PATH[k]="$IMAGES/many-files-${M_FILES[k]}.tar"
        if [[ ! -f "${M_PATH[k]}" ]]; then
            log "writing ${M_PATH[k]} (tests/drydock/bench_images.rs, release build of the tests)"
            mkdir -p "$IMAGES"
            DRYDOCK_BENCH_IMAGE="${M_PATH[k]}" DRYDOCK_BENCH_FILES="${M_FILES[k]}" \
                cargo test --release -q --test drydock -- --ignored --exact bench_images::many_files_image >&2 \
                || die "could not write ${M_PATH[k]}"
        fi
        log "$(basename "${M_PATH[k]}"): drydock image, $RUNS runs"
        bench drydock "$WORK/many.json" "$DRYDOCK" image --input "${M_PATH[k]}" --format json
        check_rc drydock "$RC"
        M_TIME[k]="$MEDIAN"
        M_RSS[k]="$(rss "$DRYDOCK" image --input "${M_PATH[k]}" --format json)"
    done
    if [[ -n "${M_RSS[0]}" && -n "${M_RSS[1]}" ]]; then
        PER_FILE="$(calc '%.0f' "(${M_RSS[1]} - ${M_RSS[0]}) * 1024 / (${M_FILES[1]} - ${M_FILES[0]})")"
        PER_FILE_OK="$(passfail "$PER_FILE <= $TARGET_BYTES_PER_FILE" x)"
        MANY_RSS_OK="$(passfail "${M_RSS[1]} / 1024 <= $TARGET_RSS_MIB" x)"
    else
        PER_FILE="n/a" PER_FILE_OK="n/a" MANY_RSS_OK="n/a"
    fi
    cat <<EOF

drydock image on many small files -- $(date -u +%Y-%m-%dT%H:%MZ)
machine: $(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown), $NCPU CPUs, $PIN_NOTE
drydock: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none), $DRYDOCK

$(printf '%-28s %10s %10s %12s' image files "drydock s" "peak RSS")
$(printf '%-28s %10s %10s %12s' "$(basename "${M_PATH[0]}")" "${M_FILES[0]}" "$(s3 "${M_TIME[0]}")" "$(mib "${M_RSS[0]}")")
$(printf '%-28s %10s %10s %12s' "$(basename "${M_PATH[1]}")" "${M_FILES[1]}" "$(s3 "${M_TIME[1]}")" "$(mib "${M_RSS[1]}")")
    peak RSS at ${M_FILES[1]} files $(mib "${M_RSS[1]}") (target <= $TARGET_RSS_MIB MiB: $MANY_RSS_OK)
    bytes per file (RSS added by the extra files / their number) $PER_FILE (target <= $TARGET_BYTES_PER_FILE: $PER_FILE_OK)

---- summary for BENCHMARKS.md ----
| image | files | drydock s | peak RSS |
| --- | ---: | ---: | ---: |
| \`$(basename "${M_PATH[0]}")\` | ${M_FILES[0]} | $(s3 "${M_TIME[0]}") | $(mib "${M_RSS[0]}") |
| \`$(basename "${M_PATH[1]}")\` | ${M_FILES[1]} | $(s3 "${M_TIME[1]}") | $(mib "${M_RSS[1]}") ($MANY_RSS_OK, target ≤ $TARGET_RSS_MIB MiB) |

Bytes per file: $PER_FILE (target ≤ $TARGET_BYTES_PER_FILE: $PER_FILE_OK).
---- end summary ----
EOF
fi
