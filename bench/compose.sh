#!/usr/bin/env bash
# Throughput benchmark: drydock vs compose-lint on copies of awesome-compose.
#
# Usage (from the repo root):  bench/compose.sh
#
# Environment (all optional):
#   DRYDOCK_PEERS        peer data dir holding awesome-compose/ (default: <repo>/../shared/peers)
#   BENCH_VENV           venv for compose-lint (default: <repo>/target/bench-venv, created if missing)
#   COMPOSE_LINT_VERSION pinned compose-lint version (default: 0.36.2)
#   BENCH_SMALL_FILES    minimum compose files in the comparison corpus (default: 1000)
#   BENCH_LARGE_FILES    minimum compose files in the large tree (default: 10000)
#   BENCH_RUNS           timed runs per measurement, median reported (default: 3; plus 1 warm-up)
#   BENCH_CPUS           pin every measured process to this many CPUs when the machine has more
#                        (default: 2, the size the targets are stated for; 0 = no pinning)
#   PYTHON               interpreter used for the venv and the timer (default: python3)
#
# Exit: 0 when the benchmark ran (targets met or not: see PASS/MISS), 1 on a build or
# setup failure or when a tool did not run cleanly, 2 when the peer corpus is missing.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PEERS="${DRYDOCK_PEERS:-$ROOT/../shared/peers}"
AC="$PEERS/awesome-compose"
VENV="${BENCH_VENV:-$ROOT/target/bench-venv}"
CL_VERSION="${COMPOSE_LINT_VERSION:-0.36.2}"
SMALL_TARGET="${BENCH_SMALL_FILES:-1000}"
LARGE_TARGET="${BENCH_LARGE_FILES:-10000}"
RUNS="${BENCH_RUNS:-3}"
PIN_CPUS="${BENCH_CPUS:-2}"
PYTHON="${PYTHON:-python3}"

# Targets.
TARGET_RATIO=100     # drydock throughput >= 100x compose-lint's
TARGET_LARGE_S=1     # large tree in < 1 s on 2 cores

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/compose.sh: %s\n' "$1" >&2; exit "${2:-1}"; }

[[ -d "$AC" ]] || die "awesome-compose not found at $AC (set DRYDOCK_PEERS)" 2
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"

# ---------------------------------------------------------------- build drydock
log "cargo build --release"
cargo build --release || die "cargo build --release failed"
DRYDOCK="${CARGO_TARGET_DIR:-$ROOT/target}/release/drydock"
[[ -x "$DRYDOCK" ]] || die "no binary at $DRYDOCK after the build"

# ------------------------------------------------------- compose-lint in a venv
if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating venv $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV" || die "could not create venv at $VENV"
fi
COMPOSE_LINT="$VENV/bin/compose-lint"
if [[ "$("$COMPOSE_LINT" --version 2>/dev/null || true)" != "compose-lint $CL_VERSION" ]]; then
    log "pip install compose-lint==$CL_VERSION"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "compose-lint==$CL_VERSION" \
        || die "pip install compose-lint==$CL_VERSION failed"
fi
CL_REPORTED="$("$COMPOSE_LINT" --version)"
[[ "$CL_REPORTED" == "compose-lint $CL_VERSION" ]] || die "expected compose-lint $CL_VERSION, got: $CL_REPORTED"

# ------------------------------------------------------------------- the corpora
WORK="$(mktemp -d "${TMPDIR:-/tmp}/drydock-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

is_compose() { find "$1" -type f \( -name compose.yaml -o -name compose.yml \
    -o -name docker-compose.yaml -o -name docker-compose.yml \) "${@:2}"; }

PER_COPY="$(is_compose "$AC" | wc -l)"
(( PER_COPY > 0 )) || die "no compose files under $AC" 2

# make_tree DIR MIN_FILES: copy awesome-compose into DIR/copy-NNNN/ until >= MIN_FILES compose
# files; every sample stays in its own folder, so every copy of it is its own project.
make_tree() {
    local dir="$1" min="$2" copies i
    copies=$(( (min + PER_COPY - 1) / PER_COPY ))
    mkdir -p "$dir"
    for (( i = 1; i <= copies; i++ )); do
        cp -R "$AC" "$(printf '%s/copy-%04d' "$dir" "$i")"
    done
    echo "$copies"
}

log "building corpora in $WORK"
SMALL="$WORK/small"
LARGE="$WORK/large"
SMALL_COPIES="$(make_tree "$SMALL" "$SMALL_TARGET")"
LARGE_COPIES="$(make_tree "$LARGE" "$LARGE_TARGET")"
SMALL_FILES="$(is_compose "$SMALL" | wc -l)"
LARGE_FILES="$(is_compose "$LARGE" | wc -l)"
LARGE_ALL_FILES="$(find "$LARGE" -type f | wc -l)"

# compose-lint takes files as arguments (it only auto-discovers in the current directory), so
# it gets the same files as one sorted list, relative to the corpus root, in one process.
mapfile -t SMALL_LIST < <(cd "$SMALL" && is_compose . | LC_ALL=C sort)
(( ${#SMALL_LIST[@]} == SMALL_FILES )) || die "file list mismatch"

# ----------------------------------------------------------------------- timing
# CPU pinning, the spawn-to-exit timer (TIMER_PY) and calc: shared.
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"


# bench NAME DIR CMD...: one warm-up, then RUNS timed runs (run from DIR); sets MEDIAN, MIN,
# MAX, RC (exit code of the last run). Output of the last run kept in $WORK/NAME.{out,err}.
bench() {
    local name="$1" dir="$2"; shift 2
    local i res secs rc times=()
    for (( i = 0; i <= RUNS; i++ )); do
        res="$(cd "$dir" && "$PYTHON" -c "$TIMER_PY" "$WORK/$name.out" "$WORK/$name.err" "${PIN[@]}" "$@")"
        read -r secs rc <<<"$res"
        (( i == 0 )) || times+=("$secs")
    done
    RC="$rc"
    read -r MEDIAN MIN MAX < <(stats "${times[@]}")
}

# json_check FILE: "valid JSON, N bytes, M compose files named" (schema-agnostic: counts distinct
# string values of any "path"/"file" key that name a compose file), or "NOT valid JSON".
JSON_CHECK_PY='
import json, os, re, sys
p = sys.argv[1]
try:
    d = json.load(open(p))
except Exception:
    print(f"NOT valid JSON ({os.path.getsize(p)} bytes)"); sys.exit()
seen = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("path", "file") and isinstance(x, str) and re.search(r"compose\.ya?ml$", x):
                seen.add(x)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
walk(d)
print(f"valid JSON, {os.path.getsize(p)} bytes, {len(seen)} compose files named")
'
json_check() { "$PYTHON" -c "$JSON_CHECK_PY" "$1"; }

log "drydock: $SMALL_FILES files, $RUNS runs"
bench drydock-small "$SMALL" "$DRYDOCK" scan "$SMALL" --images none --format json
DD_S="$MEDIAN" DD_S_MIN="$MIN" DD_S_MAX="$MAX" DD_S_RC="$RC"
check_rc drydock-small "$DD_S_RC"
DD_S_JSON="$(json_check "$WORK/drydock-small.out")"

log "compose-lint: $SMALL_FILES files, $RUNS runs"
bench compose-lint-small "$SMALL" "$COMPOSE_LINT" check --format json --allow-partial-coverage "${SMALL_LIST[@]}"
CL_S="$MEDIAN" CL_S_MIN="$MIN" CL_S_MAX="$MAX" CL_S_RC="$RC"
check_rc compose-lint-small "$CL_S_RC"
# Sanity: how many distinct files compose-lint reported on, and its own errors/warnings.
read -r CL_S_SEEN CL_S_FINDINGS CL_S_ERRS < <("$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d.get("findings", [])
print(len({x.get("file") for x in f}), len(f), len(d.get("errors", [])))
' "$WORK/compose-lint-small.out")

# compose-lint's start-up floor: the same invocation on one file (what a per-project loop
# would pay per process).
bench compose-lint-one "$SMALL" "$COMPOSE_LINT" check --format json --allow-partial-coverage "${SMALL_LIST[0]}"
CL_ONE="$MEDIAN"
check_rc compose-lint-one "$RC"

log "drydock: $LARGE_FILES files, $RUNS runs"
bench drydock-large "$LARGE" "$DRYDOCK" scan "$LARGE" --images none --format json
DD_L="$MEDIAN" DD_L_MIN="$MIN" DD_L_MAX="$MAX" DD_L_RC="$RC"
check_rc drydock-large "$DD_L_RC"
DD_L_JSON="$(json_check "$WORK/drydock-large.out")"

# Peak RSS (one extra run each, not timed).
rss_of() {
    local out="$WORK/rss.txt"
    (cd "$2" && /usr/bin/time -v -o "$out" "${PIN[@]}" "${@:3}" >/dev/null 2>&1) || true
    awk -F': *' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$out"
}
if [[ -x /usr/bin/time ]]; then
    RSS_DD_S="$(rss_of drydock "$SMALL" "$DRYDOCK" scan "$SMALL" --images none --format json)"
    RSS_DD_L="$(rss_of drydock "$LARGE" "$DRYDOCK" scan "$LARGE" --images none --format json)"
    RSS_CL_S="$(rss_of compose-lint "$SMALL" "$COMPOSE_LINT" check --format json --allow-partial-coverage "${SMALL_LIST[@]}")"
else
    RSS_DD_S="n/a (no /usr/bin/time: apt-get install time)"
    RSS_DD_L="$RSS_DD_S"; RSS_CL_S="$RSS_DD_S"
fi

# ---------------------------------------------------------------------- report
s4() { printf '%.4f' "$1"; }
row() { printf '%-22s %8s  %-18s %8s %5s  %s' "$@"; }
DD_FPS="$(calc '%.0f' "$SMALL_FILES / $DD_S")"
CL_FPS="$(calc '%.0f' "$SMALL_FILES / $CL_S")"
DD_L_FPS="$(calc '%.0f' "$LARGE_FILES / $DD_L")"
RATIO="$(calc '%.1f' "$CL_S / $DD_S")"
RATIO_OK="$(calc '%s' "($CL_S / $DD_S >= $TARGET_RATIO) ? \"PASS\" : \"MISS\"")"
LARGE_OK="$(calc '%s' "($DD_L < $TARGET_LARGE_S) ? \"PASS\" : \"MISS\"")"
(( EFF_CPUS == 2 )) || LARGE_OK="$LARGE_OK (measured with $EFF_CPUS CPU(s); the target is for 2)"

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)"
[[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] || COMMIT="$COMMIT (dirty tree)"
CPU_MODEL="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
RUSTC="$(rustc --version 2>/dev/null || echo unknown)"

cat <<EOF

drydock vs compose-lint -- $(date -u +%Y-%m-%dT%H:%MZ)
machine: ${CPU_MODEL:-unknown CPU}, $NCPU CPUs, $PIN_NOTE
drydock: commit $COMMIT, $RUSTC, $DRYDOCK
compose-lint: $CL_VERSION (PyPI, venv $VENV), $("$VENV/bin/python" --version 2>&1)
corpus A: awesome-compose ($PER_COPY compose files) x $SMALL_COPIES = $SMALL_FILES compose files, one project per folder
corpus B: awesome-compose x $LARGE_COPIES = $LARGE_FILES compose files ($LARGE_ALL_FILES files in the tree)
timing: monotonic clock around spawn..exit (process start-up included), median of $RUNS runs after 1 warm-up

$(row "corpus / tool" "seconds" "(min..max)" "files/s" "exit" "peak RSS")
$(row "A $SMALL_FILES drydock" "$(s4 "$DD_S")" "($(s4 "$DD_S_MIN")..$(s4 "$DD_S_MAX"))" "$DD_FPS" "$DD_S_RC" "$RSS_DD_S")
$(row "A $SMALL_FILES compose-lint" "$(s4 "$CL_S")" "($(s4 "$CL_S_MIN")..$(s4 "$CL_S_MAX"))" "$CL_FPS" "$CL_S_RC" "$RSS_CL_S")
$(row "B $LARGE_FILES drydock" "$(s4 "$DD_L")" "($(s4 "$DD_L_MIN")..$(s4 "$DD_L_MAX"))" "$DD_L_FPS" "$DD_L_RC" "$RSS_DD_L")

throughput ratio drydock/compose-lint on A: ${RATIO}x    target >= ${TARGET_RATIO}x: $RATIO_OK
drydock on B ($LARGE_FILES files): $(s4 "$DD_L") s            target < ${TARGET_LARGE_S} s on 2 cores: $LARGE_OK

invocations (run from the corpus root):
  drydock scan <corpus> --images none --format json         (walks the tree itself)
  compose-lint check --format json --allow-partial-coverage <$SMALL_FILES files>   (one process, file list given)
sanity: drydock output on A: $DD_S_JSON
        drydock output on B: $DD_L_JSON
        compose-lint reported on $CL_S_SEEN of $SMALL_FILES files, $CL_S_FINDINGS findings, $CL_S_ERRS errors
compose-lint on one file: $(s4 "$CL_ONE") s (its start-up floor; one process per project would take ~$(calc '%.0f' "$SMALL_FILES * $CL_ONE") s)

---- summary for BENCHMARKS.md ----
### Compose: drydock vs compose-lint $CL_VERSION

Machine: ${CPU_MODEL:-unknown CPU}, $EFF_CPUS CPUs used; drydock $COMMIT, release build.
Corpus: docker/awesome-compose ($PER_COPY compose files) copied into separate folders.
Wall time from process spawn to exit, median of $RUNS runs after one warm-up (\`bench/compose.sh\`).
drydock walks the tree itself; compose-lint gets the same files as arguments in a single process
(its start-up, $(s4 "$CL_ONE") s for a one-file run, is paid once and included; one process per
project would cost about $(calc '%.0f' "$SMALL_FILES * $CL_ONE") s for these $SMALL_FILES files).

| tool | compose files | seconds | files/s | peak RSS |
| --- | ---: | ---: | ---: | ---: |
| drydock \`scan --images none --format json\` | $SMALL_FILES | $(s4 "$DD_S") | $DD_FPS | $RSS_DD_S |
| compose-lint \`check --format json\` (one process) | $SMALL_FILES | $(s4 "$CL_S") | $CL_FPS | $RSS_CL_S |
| drydock \`scan --images none --format json\` | $LARGE_FILES | $(s4 "$DD_L") | $DD_L_FPS | $RSS_DD_L |

- Throughput ratio drydock/compose-lint: **${RATIO}x** (target >= ${TARGET_RATIO}x: $RATIO_OK).
- $LARGE_FILES-file tree: **$(s4 "$DD_L") s** (target < ${TARGET_LARGE_S} s on 2 cores: $LARGE_OK).
---- end summary ----
EOF
